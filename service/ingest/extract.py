"""Sources to clean article text and metadata: plain text, scraped page text, HTML.

Plain text is kept as given (whitespace normalised); scraped page text has its leading
and trailing site furniture trimmed; HTML goes through trafilatura. Fetching a URL's page
is service.ingest.fetch.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from service.records import ArticleFields
from service.text import SENTENCE_END, headline_sentence


class ExtractionError(ValueError):
    """The source holds no usable article text; the message says why."""


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    fields: ArticleFields


# Phrases that mark page furniture (subscription pleas, comment forms, share bars, lists of
# other articles). Used only to trim the edges of scraped page text, never its middle.
FURNITURE = re.compile(
    r"subscribe|subscription|newsletter|(leave|post|add) a (reply|comment)|enter your comment|follow us|most (popular|read)|support our journalism"
    r"|click here|sign up|log ?in|share (this|on)|send this page|download the \S+(?: \S+){0,5} app|advertisement"
    r"|cookie|text size|disclaimer|^\W*tags\W*$|related (articles|stories)|read more|all rights reserved",
    re.IGNORECASE,
)
MIN_ARTICLE_WORDS = 5

# The outlets an article may credit itself to in its dateline or kicker ("CNN --", "LONDON, Oct 5
# (Reuters) -", "FIRST ON FOX:"). Only names known to be outlets count: "FILE -", "UPDATE:" or a
# city's dateline credit no one.
OUTLET_CREDITS = {"AP": "The Associated Press", "AFP": "AFP", "BBC": "BBC", "BLOOMBERG": "Bloomberg",
                  "CNN": "CNN", "DPA": "dpa", "FOX": "Fox News", "REUTERS": "Reuters", "UPI": "UPI",
                  "XINHUA": "Xinhua"}
CREDIT = re.compile(r"(?:[A-Z][A-Za-z0-9 .,]{0,40}\s)?\((?P<wire>[A-Za-z]{2,12})\)\s*[-–—]"
                    r"|(?P<dateline>[A-Z]{2,12})\s*(?:--|[–—])|FIRST ON (?P<kicker>[A-Z]{2,12}):")
CREDIT_PARAGRAPHS = 3  # a newsletter plea or a caption may come before the dateline
# A plea for the outlet's own app, on a line of its own anywhere in the story: "CLICK HERE TO GET
# THE FOX NEWS APP" (the Tate and mine stories credited no one).
APP_PLEA = re.compile(r"^\W*(?:click here to\s+)?(?:get|download)\s+the\s+(?P<outlet>[A-Za-z]{2,12})(?:\s+news)?\s+app\W*$",
                      re.IGNORECASE)
# An outlet's name for itself, written out: its reporter's line at the story's foot ("Ben Werschkul
# is Washington correspondent for Yahoo Finance.") or its sign-up box ("you agree to receive marketing
# emails from Insider"). A name of up to four capitalised words, after the words only the
# outlet's own furniture uses.
_OUTLET_WORD = r"[A-Z][\w&'-]*(?:\.[\w&'-]+)*"  # "Yahoo", "Yahoo.com"; not the full stop after it
_OUTLET_NAME = rf"(?P<outlet>(?:The\s+)?{_OUTLET_WORD}(?:\s+{_OUTLET_WORD}){{0,3}})"
SELF_CREDITS = (
    re.compile(r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}\s+is\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}?"
               rf"(?:correspondent|reporter|writer|editor|columnist|journalist)\s+(?:for|at)\s+{_OUTLET_NAME}\.?$"),
    re.compile(rf"\bagree\s+to\s+receive\s+(?:marketing\s+)?emails\s+from\s+{_OUTLET_NAME}\b"))


def decode_body(raw: bytes, declared_charset: str | None = None) -> str:
    """Bytes to text; binary data and undecodable bytes are refused, not guessed at."""
    if b"\x00" in raw[:8192]:
        raise ExtractionError("the body is binary (it contains NUL bytes), not text")
    for encoding in filter(None, [declared_charset, "utf-8"]):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ExtractionError("the body is not valid UTF-8 text")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t") > max(8, len(text) // 100):
        raise ExtractionError("the text is mostly control characters (binary data?)")
    # "( PMI )": tokenised text, as datasets keep it, spaces the inside of its brackets.
    lines = [re.sub(r"\( | \)", lambda m: m.group().strip(), re.sub(r"[ \t\u00a0]+", " ", line)).strip()
             for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _is_sentence_like(line: str) -> bool:
    return bool(SENTENCE_END.search(line)) and len(line.split()) >= MIN_ARTICLE_WORDS and not FURNITURE.search(line)


def _has_article_sentence(paragraphs: list[str]) -> bool:
    return any(_is_sentence_like(p) for p in paragraphs)


def from_text(body: str, fields: ArticleFields) -> Extracted:
    text = normalise(body)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        raise ExtractionError("the text is empty")
    if not _has_article_sentence([line for p in paragraphs for line in p.split("\n")]):
        raise ExtractionError("the text holds no article sentence (only boilerplate or fragments)")
    title = fields.title or lead_title(headline_sentence(text) or re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0])
    if fields.source is None:
        fields = fields.model_copy(update={"source": credited_outlet(paragraphs)})
    return Extracted(title=title, text=text, fields=fields)


def credited_outlet(paragraphs: list[str]) -> str | None:
    """The outlet an article credits itself to at the start of one of its first paragraphs, or by
    a plea for its own app on a line of its own, if it names a known one, or by its name for
    itself in its reporter's line or its sign-up box (`SELF_CREDITS`): text pasted without its
    outlet still says where it came from."""
    for paragraph in paragraphs[:CREDIT_PARAGRAPHS]:
        credit = CREDIT.match(paragraph)
        name = credit and (credit["wire"] or credit["dateline"] or credit["kicker"]).upper()
        if name in OUTLET_CREDITS:
            return OUTLET_CREDITS[name]
    lines = [line.strip() for paragraph in paragraphs for line in paragraph.split("\n")]
    pleas = (APP_PLEA.match(line) for line in lines)
    known = next((OUTLET_CREDITS[plea["outlet"].upper()] for plea in pleas
                  if plea and plea["outlet"].upper() in OUTLET_CREDITS), None)
    return known or next((credit["outlet"] for pattern in SELF_CREDITS for credit in map(pattern.search, lines)
                          if credit), None)


def from_page_text(body: str, fields: ArticleFields) -> Extracted:
    """Text scraped from a web page: keep the article between the site furniture.

    jusText marks the paragraphs that read like prose; the runs before the first and after
    the last such paragraph are trimmed from the outside in, up to the innermost furniture
    line (a header, menu, subscription plea, comment form). The article's own middle is
    never touched, so a short paragraph inside the story survives.
    """
    import justext

    lines = [line for line in normalise(body).split("\n") if line.strip()]
    if not lines:
        raise ExtractionError("the text is empty")
    markup = "<html><body>" + "".join(f"<p>{html_lib.escape(line)}</p>" for line in lines) + "</body></html>"
    verdicts = justext.justext(markup.encode("utf-8"), justext.get_stoplist("English"))
    prose = [i for i, v in enumerate(verdicts) if not v.is_boilerplate] if len(verdicts) == len(lines) else []
    # jusText wants long paragraphs; on a short page fall back to lines that read as sentences.
    prose = prose or [i for i, line in enumerate(lines) if _is_sentence_like(line)]
    if not prose:
        return from_text("\n\n".join(lines), fields)
    first, last = prose[0], prose[-1]
    head, body_lines, tail = lines[:first], lines[first:last + 1], lines[last + 1:]
    furniture_in_head = [i for i, line in enumerate(head) if FURNITURE.search(line)]
    header_start = furniture_in_head[-1] + 1 if furniture_in_head else 0
    # What is left of the header without sentence punctuation is the headline and the like.
    kept_head = [line for line in head[header_start:] if SENTENCE_END.search(line)]
    furniture_in_tail = [i for i, line in enumerate(tail) if FURNITURE.search(line)]
    kept_tail = tail[: furniture_in_tail[0]] if furniture_in_tail else tail
    headline = next((line for line in reversed(head[header_start:] or head)
                     if not SENTENCE_END.search(line) and len(line.split()) >= 4
                     and not FURNITURE.search(line)), None)
    page_fields = fields if fields.title or not headline else fields.model_copy(update={"title": headline})
    kept = kept_head + body_lines + kept_tail
    # Furniture written as prose (a disclaimer, a plea) can still sit at either edge.
    while kept and _is_edge_furniture(kept[-1]):
        kept.pop()
    while kept and _is_edge_furniture(kept[0]):
        kept.pop(0)
    return from_text("\n\n".join(kept), page_fields)


def _is_edge_furniture(line: str) -> bool:
    return bool(FURNITURE.search(line)) and len(line.split()) < 40


def from_html(markup: str, fields: ArticleFields) -> Extracted:
    import trafilatura

    found = trafilatura.extract(markup, output_format="json", with_metadata=True, url=fields.url,
                                include_comments=False, include_tables=False, favor_precision=True)
    if not found:
        raise ExtractionError("no article text found in the HTML (all boilerplate?)")
    meta = json.loads(found)
    paragraphs = [p for p in (meta.get("text") or "").split("\n") if p.strip()]
    title = fields.title or meta.get("title") or ""
    if paragraphs and title and paragraphs[0].strip() == title.strip():
        paragraphs = paragraphs[1:]  # trafilatura repeats the headline as the first line
    merged = fields.model_copy(update={
        "title": title or None,
        "author": fields.author or meta.get("author"),
        "published": fields.published or _parse_date(meta.get("date")),
        "language": fields.language or meta.get("language"),
        "source": fields.source or meta.get("sitename") or meta.get("source-hostname"),
    })
    return from_text("\n\n".join(paragraphs), merged)


def lead_title(sentence: str, limit: int = 120) -> str:
    """The title of an article that came without one: its lead sentence, cut at `limit`."""
    sentence = sentence.strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
