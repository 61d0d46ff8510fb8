// The reading room: a plain client of the JSON API. Everything that comes from an article or
// from the model is put into the page as text nodes (never innerHTML), and links are made
// only from http(s) addresses.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    key: sessionStorage.getItem("sourced-key") || "",  // for this browser tab's session only
    history: [],            // the conversation so far, as /v1/ask takes it
    articles: new Map(),    // article id -> the article with its text, once fetched
  };
  // Earlier messages sent with a follow-up: condensing reads only the last few turns.
  const HISTORY_MESSAGES = 12;

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // An element with attributes and children; strings become text nodes.
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function webUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function link(text, url) {
    const href = webUrl(url);
    return href ? el("a", { href, rel: "noopener noreferrer", target: "_blank" }, text) : text;
  }

  function plural(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
  }

  // ---- the API -------------------------------------------------------------------------

  function headers(withBody) {
    const sent = {};
    if (withBody) sent["Content-Type"] = "application/json";
    if (state.key) sent.Authorization = `Bearer ${state.key}`;
    return sent;
  }

  async function call(path, method = "GET", body = undefined) {
    const response = await fetch(path, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await failure(response);
    return response.status === 204 ? null : response.json();
  }

  async function failure(response) {
    const problem = await response.json().catch(() => ({}));
    if (response.status === 401) {
      useKey("");
      showKeyForm("This service needs an API key.");
    }
    let message = problem.detail || problem.title || response.statusText;
    if (response.status === 429) message = `Too many requests: try again in ${response.headers.get("Retry-After") || "a minute"} seconds.`;
    return new ApiError(response.status, message);
  }

  function showError(container, error) {
    container.replaceChildren(el("p", { class: "error", role: "alert" }, `Could not do that: ${error.message}`));
  }

  // ---- the API key ------------------------------------------------------------------------

  // A new key may be another tenant's: nothing fetched with the old one is shown again.
  function useKey(key) {
    state.key = key;
    state.articles.clear();
    if (key) sessionStorage.setItem("sourced-key", key);
    else sessionStorage.removeItem("sourced-key");
  }

  function showKeyForm(message) {
    $("key-form").hidden = false;
    $("key-status").textContent = message;
  }

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    useKey($("api-key").value.trim());
    $("key-status").textContent = "Checking the key…";
    call("/v1/articles?limit=1")
      .then(() => { $("key-status").textContent = "The key works."; })
      .catch((error) => { $("key-status").textContent = error.message; });
  });

  // ---- tabs (arrow keys move between them, as the ARIA tabs pattern has it) ---------------

  const tabs = [...document.querySelectorAll('[role="tab"]')];

  function selectTab(tab) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !selected;
    }
    tab.focus();
    if (tab.id === "tab-articles") loadArticles();
  }

  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) selectTab(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
    });
  }

  // ---- the article beside the answer ---------------------------------------------------

  async function article(id) {
    if (!state.articles.has(id)) {
      state.articles.set(id, await call(`/v1/articles/${encodeURIComponent(id)}`));
    }
    return state.articles.get(id);
  }

  // The service counts characters as code points; JavaScript strings count UTF-16 units, so text
  // with characters beyond the Basic Multilingual Plane (emoji) is sliced as code points.
  function slices(text, start, end) {
    const points = /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : null;
    const cut = (from, to) => (points ? points.slice(from, to).join("") : text.slice(from, to));
    return [cut(0, start), cut(start, end), cut(end)];
  }

  // Show an article; with a span, highlight it and scroll it into view.
  async function openArticle(id, span = null) {
    const reader = $("reader");
    let shown;
    try {
      shown = await article(id);
    } catch (error) {
      reader.hidden = false;
      showError($("reader-text"), error);
      return;
    }
    $("reader-title").textContent = shown.title;
    const meta = [shown.source || "unknown outlet", shown.published || "date unknown"];
    $("reader-meta").replaceChildren(meta.join(" · "), shown.url ? " · " : "", shown.url ? link("original", shown.url) : "");
    const text = shown.text;
    const body = $("reader-text");
    if (span) {
      const [before, quoted, after] = slices(text, span.start, span.end);
      const mark = el("mark", { id: "highlight", tabindex: "-1" }, quoted);
      body.replaceChildren(before, mark, after);
      reader.hidden = false;
      mark.scrollIntoView({ block: "center" });
      mark.focus({ preventScroll: true });
    } else {
      body.replaceChildren(text);
      reader.hidden = false;
      body.scrollTop = 0;
      body.focus();
    }
  }

  $("close-reader").addEventListener("click", () => { $("reader").hidden = true; });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("reader").hidden) $("reader").hidden = true;
  });

  // ---- cited sentences (answers, summaries and digests alike) ----------------------------

  function citeButton(citation) {
    return el("button", {
      type: "button",
      class: "cite",
      "data-n": citation.n,
      "aria-label": `Source ${citation.n}: open “${citation.title}” at the quoted sentence`,
      onclick: () => openArticle(citation.article_id, citation),
    }, `[${citation.n}]`);
  }

  function citedText(sentences, citations) {
    const byNumber = new Map(citations.map((c) => [c.n, c]));
    const paragraph = el("p", { class: "answer" });
    sentences.forEach((sentence, i) => {
      if (i > 0) paragraph.append(" ");
      const span = el("span", { class: sentence.supported ? "sentence" : "sentence unsupported" }, sentence.text);
      paragraph.append(span);
      for (const n of sentence.citations) {
        if (byNumber.has(n)) paragraph.append(citeButton(byNumber.get(n)));
      }
      if (!sentence.supported) paragraph.append(el("span", { class: "flag-label" }, "(not supported by its quotes)"));
    });
    return paragraph;
  }

  function sourcesList(citations) {
    return el("ol", { class: "sources", "aria-label": "Sources" }, citations.map((c) =>
      el("li", { value: c.n }, el("q", {}, c.quote), " — ", link(c.title, c.url))));
  }

  function notice(text, kind = "") {
    return el("p", { class: `notice ${kind}`.trim() }, text);
  }

  function checkNotices(result) {
    const notes = [];
    if (result.removed > 0) {
      notes.push(notice(`${plural(result.removed, "sentence", "sentences")} the model wrote ${result.removed === 1 ? "was" : "were"} removed: ${result.removed === 1 ? "its quotes did" : "their quotes did"} not support ${result.removed === 1 ? "it" : "them"}.`));
    }
    for (const part of result.degraded || []) notes.push(notice(`Degraded: ${part}.`));
    return notes;
  }

  function renderAnswer(answer) {
    if (!answer.found) {
      return [notice("Not in the sources: none of the ingested articles says anything close enough to this question, so nothing was guessed.", "not-found")];
    }
    const parts = [];
    if (answer.fallback) {
      parts.push(notice(`Quoted, not written: ${answer.fallback}. These are the sentences of the articles that best match the question, as they stand.`));
    }
    parts.push(citedText(answer.sentences, answer.citations));
    parts.push(...checkNotices(answer));
    if (answer.sentences.some((s) => !s.supported)) {
      parts.push(notice("Sentences marked “not supported by its quotes” were kept only because you asked to see them."));
    }
    parts.push(sourcesList(answer.citations));
    return parts;
  }

  // ---- asking, with the answer streamed ------------------------------------------------------

  // Server-sent events from a fetch body: calls onEvent(name, data) for each.
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length) onEvent(name, JSON.parse(data.join("\n")));
      }
    }
  }

  async function ask(question) {
    const turn = el("li", { class: "turn" }, el("p", { class: "turn-question" }, question));
    const draft = el("p", { class: "draft" }, "Finding the passages…");
    const result = el("div", { class: "result" });
    turn.append(draft, result);
    $("thread").append(turn);
    turn.scrollIntoView({ block: "end" });
    const request = {
      messages: [...state.history.slice(-HISTORY_MESSAGES), { role: "user", content: question }],
      mode: $("quotes-only").checked ? "extractive" : "generate",
      verify: $("show-flagged").checked ? "flag" : "remove",
      stream: true,
    };
    const response = await fetch("/v1/ask", { method: "POST", headers: headers(true), body: JSON.stringify(request) });
    if (!response.ok) throw await failure(response);
    let drafted = "";
    let answered = null;
    await readEvents(response, (name, data) => {
      if (name === "token") {
        drafted += data.text;
        draft.textContent = `Draft, being written and then checked: ${drafted}`;
      } else if (name === "answer") {
        answered = data;
      } else if (name === "error") {
        throw new ApiError(data.status, data.detail || data.title);
      }
    });
    draft.remove();
    if (!answered) throw new ApiError(0, "the answer did not arrive");
    result.replaceChildren(...renderAnswer(answered));
    state.history.push({ role: "user", content: question }, { role: "assistant", content: answered.answer });
    state.history = state.history.slice(-HISTORY_MESSAGES);
    return answered;
  }

  $("ask-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = $("question").value.trim();
    if (!question) return;
    const button = $("ask-button");
    button.disabled = true;
    try {
      await ask(question);
      $("question").value = "";
    } catch (error) {
      const turns = $("thread").children;
      const last = turns[turns.length - 1];
      if (last) {
        last.querySelector(".draft")?.remove();
        showError(last.querySelector(".result"), error);
      }
    } finally {
      button.disabled = false;
      $("question").focus();
    }
  });

  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("ask-form").requestSubmit();
    }
  });

  $("new-thread").addEventListener("click", () => {
    state.history = [];
    $("thread").replaceChildren();
    $("question").focus();
  });

  // ---- articles: list, search, summarise ------------------------------------------------

  async function loadArticles() {
    const query = new URLSearchParams({ limit: "100" });
    const filters = { q: "filter-q", source: "filter-source", published_from: "filter-from", published_to: "filter-to" };
    for (const [name, id] of Object.entries(filters)) {
      const value = $(id).value.trim();
      if (value) query.set(name, value);
    }
    const list = $("article-list");
    try {
      const page = await call(`/v1/articles?${query}`);
      $("article-count").textContent = page.total > page.articles.length
        ? `${page.total} articles; the newest ${page.articles.length} are listed.`
        : plural(page.total, "article", "articles") + ".";
      list.replaceChildren(...page.articles.map((a) => el("li", {},
        el("input", { type: "checkbox", value: a.id, "aria-label": `Select “${a.title}”` }),
        el("span", {},
          el("button", { type: "button", class: "link", onclick: () => openArticle(a.id) }, a.title),
          el("span", { class: "meta" }, ` ${a.source || "unknown outlet"} · ${a.published || "date unknown"} · ${a.chars.toLocaleString()} characters`)))));
    } catch (error) {
      showError(list, error);
    }
  }

  $("filter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadArticles();
  });

  $("summarize-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = [...document.querySelectorAll("#article-list input:checked")].map((box) => box.value);
    const out = $("summary");
    if (!ids.length) {
      out.replaceChildren(notice("Select one or more articles first."));
      return;
    }
    const button = $("summarize-button");
    button.disabled = true;
    out.replaceChildren(el("p", { class: "draft" }, `Summarising ${plural(ids.length, "article", "articles")} and checking every sentence…`));
    try {
      const summary = await call("/v1/summarize", "POST", { article_ids: ids, style: $("summary-style").value });
      out.replaceChildren(
        el("h3", {}, summary.title || "Summary"),
        citedText(summary.sentences, summary.citations),
        ...checkNotices(summary),
        el("p", { class: "meta" }, `${summary.words} words · ${summary.model} · every sentence cites the source sentences it rests on and was checked against them by a program that can miss errors`),
        sourcesList(summary.citations));
    } catch (error) {
      showError(out, error);
    } finally {
      button.disabled = false;
    }
  });

  // ---- adding an article ----------------------------------------------------------------

  $("add-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("add-text").value;
    const url = $("add-url").value.trim();
    const out = $("add-result");
    if (!text.trim() && !url) {
      out.textContent = "Paste the article's text, or give its web address.";
      return;
    }
    const body = text.trim() ? { text } : {};
    const fields = { title: "add-title", source: "add-source", published: "add-published" };
    for (const [name, id] of Object.entries(fields)) {
      const value = $(id).value.trim();
      if (value) body[name] = value;
    }
    if (url) body.url = url;
    const button = $("add-button");
    button.disabled = true;
    out.textContent = url && !text.trim() ? "Fetching and adding the article…" : "Adding the article…";
    try {
      const report = await call("/v1/articles", "POST", body);
      const item = report.results[0];
      out.textContent = item.status === "unchanged"
        ? `Already here, unchanged: ${item.article_id}.`
        : `${item.status === "added" ? "Added" : "Replaced"} ${item.article_id} (${plural(item.chunks, "passage", "passages")}).`;
      state.articles.delete(item.article_id);
      $("add-form").reset();
    } catch (error) {
      out.textContent = `Could not add it: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });

  // ---- the latest digest ------------------------------------------------------------------

  $("open-digest").addEventListener("click", async () => {
    const out = $("digest");
    try {
      const digest = await call("/v1/digests/latest");
      const when = new Date(digest.generated_at).toLocaleString();
      // An issue of archived articles says so first: its stories' present tense is not this week's.
      const archive = digest.stories_until
        ? `From the archive: stories up to ${new Date(digest.stories_until).toLocaleDateString(undefined, { timeZone: "UTC", dateStyle: "long" })}. `
        : "";
      const parts = [
        el("h2", {}, digest.title),
        el("p", { class: "meta" }, `${archive}Made ${when}; written by ${digest.model}, checked by ${digest.checker}. Every summary sentence cites the source sentences it rests on and was checked against them by a program that can miss errors: the quotes under each story are verbatim from the articles. Each headline is the title of its article, or cut from the first sentence of it.`),
      ];
      for (const topic of digest.topics) {
        parts.push(el("h3", {}, topic.name));
        for (const item of topic.items) {
          const summary = item.summary;
          const others = item.also || [];
          parts.push(el("article", {},
            el("h4", {}, link(summary.title || item.title, item.url)),
            el("p", { class: "meta" }, `${item.source || "outlet unknown"} · ${item.published || "date unknown"}`),
            citedText(summary.sentences, summary.citations),
            ...others.flatMap((other) => [
              el("p", { class: "meta" }, `${other.shown_as || (other.source ? `Also reported by ${other.source}` : "Related report")} · ${other.published || "date unknown"}:`),
              citedText(other.summary.sentences, other.summary.citations)]),
            sourcesList([summary, ...others.map((other) => other.summary)].flatMap((s) => s.citations)),
            ...(summary.headline_source ? [el("p", { class: "meta" }, "Headline shortened from the article's first sentence: ", el("q", {}, summary.headline_source.quote))] : [])));
        }
      }
      if (digest.failed.length) {
        parts.push(el("h3", {}, "Not summarised"),
          el("ul", {}, digest.failed.map((item) => el("li", {}, `${item.title}: ${item.error}`))));
      }
      out.replaceChildren(el("div", { class: "digest" }, parts));
    } catch (error) {
      showError(out, error);
    }
  });

  // Whether this service needs a key: ask for one only if it does.
  call("/v1/articles?limit=1").catch(() => {});
})();
