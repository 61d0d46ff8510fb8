"""The ask pipeline: condense -> retrieve -> context -> generate -> cite -> verify -> response.

`Answerer.events` yields the answer as it is made: text pieces, then the checked response.
`Answerer.ask` is that stream's last event, so a plain answer and a streamed one share every
stage, every fallback and every check. Without evidence above the relevance floor the answer
says so and no model is asked.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.checker import Checker
from service.checker.specifics import initials, stated_specifics, unshown
from service.citations import Citation, CitedSentence, DraftSentence, parse_cited_text, renumber, with_markers
from service.context import Context, Passage, build_context
from service.generate import Message, condense, generate_answer
from service.models.embedder import Embedder
from service.models.llm import LLM, LLMError, Usage
from service.models.reranker import Reranker
from service.ordering import ORDER_STATED, asks_order, order_draft
from service.policy import AnswerPolicy
from service.records import Filters
from service.retrieve import Retrieval, retrieve
from service.store import Store
from service.text import NAME_RUN, POSSESSIVE, STOPWORDS, TITLES, WORD, name_forms, name_phrases, names, sentence_spans
from service.verify import CheckedSentence, degradations, verify

log = logging.getLogger(__name__)

NOT_IN_SOURCES = "Not in the sources: the ingested articles do not answer this question."
REFUSAL = "NOT IN SOURCES"
GENERATOR_CUT = "the generator broke off: the sentences it had finished were checked, the rest dropped"
# A word of a name this long names it (see `named`): shorter ones ("Jon", "Cup") are too often
# part of some other name.
NAMED_WORD = 4
# A word this long that differs from the text's by one letter is a question's misspelling.
MISSPELT_WORD = 6
# Two initials are too often some other name's ("NJ", "PM").
MIN_INITIALS = 3
# Small words capitalised inside a question: it is in title case ("When Did Argentina Win The World
# Cup?") or capitals, and its case shows no names.
CASELESS_STOPWORDS = 2
ROMAN_NUMERAL = re.compile(r"[IVXLC]+")
# Words that many names share, and the calendar's: alone, they name none of them.
SHARED_NAME_WORDS = frozenset("""
world national international united royal general central northern southern eastern western north south east west
great greater upper lower saint city state states county river lake mount island islands park street road bridge
bank company corporation group party council committee ministry department office agency authority association
society foundation institute university college school academy museum church cathedral hospital airport station
club team league cup championship championships games olympics prize award awards festival series season show
film album band house court army force forces navy police government republic kingdom empire union federal
american british english french german chinese russian european african asian welsh scottish irish korean japanese
indian canadian australian italian spanish dutch swedish mexican brazilian polish soviet jewish
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday""".split())
SHARED_ACRONYMS = frozenset({"US", "USA", "UK", "EU", "UN", "USSR", "UAE", "TV"})
# A sentence that says which came first
STATES_ORDER = re.compile(r"\b(?:first|earlier|before|older|younger|later|after)\b", re.IGNORECASE)
# "Yes, ..." or "No: ..." opening an answer's sentence
VERDICT = re.compile(r"(?:yes|no)\b[,:;.!]?\s+(?=\S)", re.IGNORECASE)
# "It has a sister school in ...": the subject a sentence opening an article leaves unnamed.
# Not the "it" of "It is unclear ...", "It's official": that one stands for nothing.
SUBJECT_PRONOUN = re.compile(r"(?:He|She|They|It(?!(?:'s|’s|\s+(?:is|was|has\s+been))\s+(?:unclear|likely|unlikely|"
                             r"possible|official|time|hard|easy|important|clear|understood|believed|thought|"
                             r"expected|reported|said|not)\b))\b")
# A sentence end, then any closing quotes or brackets and citation markers, at the end of the text.
FINISHED_END = re.compile(r"[.!?][\"'”’)]*(?:\s*\[[\d,\s]{1,40}\])*\s*\Z")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(default=None, min_length=1,
                                 description="One question; or give `messages` for a chat.")
    messages: list[Message] | None = Field(
        default=None, min_length=1,
        description="Chat history, ending with the user's question; earlier turns resolve follow-ups.")
    mode: Literal["generate", "extractive"] = "generate"
    verify: Literal["remove", "flag"] = Field(
        default="remove", description="Unsupported sentences are removed, or kept and marked supported=false.")
    stream: bool = Field(default=False, description="Server-sent events: tokens, then the checked answer.")
    filters: Filters = Field(default_factory=Filters)
    passages: int = Field(default=8, ge=1, le=20, description="Most source sentences given to the model.")

    @model_validator(mode="after")
    def _one_question(self) -> AskRequest:
        if (self.question is None) == (self.messages is None):
            raise ValueError("give either `question` or `messages`")
        if self.messages is not None and self.messages[-1].role != "user":
            raise ValueError("the last message must be the user's question")
        if self.question is not None and not self.question.strip():
            raise ValueError("the question is blank")
        return self

    @property
    def last_question(self) -> str:
        return self.question.strip() if self.question is not None else self.messages[-1].content.strip()

    @property
    def earlier(self) -> list[Message]:
        return (self.messages or [])[:-1]


class Timings(BaseModel):
    condense: float = 0.0
    retrieve: float = 0.0
    rerank: float = 0.0
    generate: float = 0.0
    verify: float = 0.0


class AskResponse(BaseModel):
    question: str = Field(description="The standalone question that was answered.")
    answer: str
    found: bool = Field(description="False when the sources hold nothing relevant; the answer then says so.")
    sentences: list[CitedSentence]
    citations: list[Citation]
    removed: int = Field(description="Generated sentences dropped because the checker found no support.")
    mode: Literal["generate", "extractive"]
    fallback: str | None = Field(default=None, description="Why a generate request was answered extractively.")
    degraded: list[str] = Field(default_factory=list, description="Parts that failed and what stood in for them.")
    model: str | None
    timings: Timings
    usage: Usage


Event = tuple[Literal["token"], str] | tuple[Literal["answer"], AskResponse]


@dataclass
class Prepared:
    """Everything up to generation: the standalone question and the numbered passages."""

    request: AskRequest
    question: str
    context: Context
    found: bool
    timings: Timings
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True)
class Answerer:
    store: Store
    embedder: Embedder
    reranker: Reranker
    llm: LLM
    checker: Checker
    policy: AnswerPolicy

    def ask(self, request: AskRequest, tenant: str) -> AskResponse:
        for name, data in self.events(request, tenant):
            if name == "answer":
                return data
        raise AssertionError("the event stream ends with an answer")

    def events(self, request: AskRequest, tenant: str) -> Iterator[Event]:
        """Retrieval runs before this returns (so its errors are plain errors, not stream events);
        the iterator then yields ("token", text) as the model writes, and ("answer", response)."""
        return self._events(self.prepare(request, tenant))

    def prepare(self, request: AskRequest, tenant: str) -> Prepared:
        timings, usage = Timings(), Usage()
        started = time.perf_counter()
        llm = self.llm if request.mode == "generate" else None
        question = condense(request.last_question, request.earlier, llm, usage, self.policy)
        timings.condense = _ms(started)
        retrieval = self.retrieve(question, tenant, request.filters)
        timings.retrieve = round(retrieval.ms, 1)
        started = time.perf_counter()
        context = build_context(question, retrieval.hits, self.reranker, self.policy, limit=request.passages)
        timings.rerank = _ms(started)
        found = context.best_relevance is not None and context.best_relevance >= self.policy.relevance_floor
        return Prepared(request=request, question=question, context=context, found=found, timings=timings,
                        usage=usage)

    def retrieve(self, question: str, tenant: str, filters: Filters) -> Retrieval:
        """The chunks whose sentences the reranker will score (retrieval alone, as bench/ask.py times it)."""
        return retrieve(question, self.store, self.embedder, tenant, k=self.policy.chunk_candidates,
                        candidates=self.policy.candidates_per_index, filters=filters)

    def _events(self, prepared: Prepared) -> Iterator[Event]:
        if not prepared.found:
            yield "answer", not_found(prepared)
            return
        if prepared.request.mode == "extractive":
            yield "answer", self.extractive(prepared)
            return
        started = time.perf_counter()
        pieces: list[str] = []
        stream = generate_answer(self.llm, prepared.question, prepared.context.passages)
        try:
            for piece in stream:
                pieces.append(piece)
                yield "token", piece
        except LLMError:
            # The provider's text can carry its address and internals: it goes to the log only.
            log.warning("the generator failed after %d pieces", len(pieces), exc_info=True)
            finished = finished_part("".join(pieces))
            if not finished:
                yield "answer", self.extractive(prepared, fallback="the generator failed")
                return
            response = self.finish(prepared, finished)
            response.degraded.append(GENERATOR_CUT)
            yield "answer", response
            return
        prepared.timings.generate = _ms(started)
        if stream.completion is not None:
            prepared.usage.add(stream.completion)
        yield "answer", self.finish(prepared, "".join(pieces))

    def finish(self, prepared: Prepared, text: str) -> AskResponse:
        """Cite and verify the generated text, then renumber citations in order of use.

        A question of which came first gets the order the passages' years give, as a draft of its
        own beside the model's (`ordering`). Passages above the relevance floor were found, so a
        refusal or an answer whose every sentence fails the check does not make "not in the
        sources" true: where the best passage is clearly on the question, the answer is those
        passages themselves, and `fallback` says why.
        """
        model = self.llm.model
        passages = prepared.context.passages
        conclusion = order_draft(prepared.question, passages)
        refused = text.strip().upper().startswith(REFUSAL) or not text.strip()
        declined = "the model found no answer in the passages"
        if refused and conclusion is None:
            return self.quoted_or_not_found(prepared, declined, model)
        written = [] if refused else parse_cited_text(text, {p.n for p in passages})
        started = time.perf_counter()
        checked = verify(written, passages, self.checker, self.policy.min_support, question=prepared.question)
        if conclusion:
            ordered = ordered_by_its_quotes(prepared.question, conclusion, passages)
            # The years decided the order: a written sentence stating one is a repeat or a contradiction.
            checked = [ordered, *(s for s in checked if not (ordered.supported and STATES_ORDER.search(s.text)))]
        elif asks_order(prepared.question):
            # The passages' years do not decide it: a sentence saying which came first guesses
            # ("Arthur's Magazine was started first", its quote dating it alone).
            checked = [dataclasses.replace(s, supported=False) if ORDER_STATED.search(s.text) else s for s in checked]
        prepared.timings.verify = _ms(started)
        kept = checked if prepared.request.verify == "flag" else [s for s in checked if s.supported]
        if not any(s.supported for s in kept):
            response = self.quoted_or_not_found(
                prepared, declined if refused else "no sentence the model wrote was supported by its quotes", model)
            response.removed = len(checked)
            response.degraded = degradations(checked)
            return response
        removed = len(checked) - len(kept)
        kept = said_once([without_unfounded_verdict(prepared.question, sentence, passages) for sentence in kept])
        response = respond(prepared, kept, removed=removed, mode="generate", model=model)
        if not names_what_was_asked(prepared, response):
            return self.quoted_or_not_found(
                prepared, "the sentences the model wrote rest on articles that do not name what the question asks "
                          "about", model)
        return response

    def quoted_or_not_found(self, prepared: Prepared, reason: str, model: str) -> AskResponse:
        """The best quotes, where they come from articles that name what the question asks about:
        something it names, where the best passage is clearly on the question, else all it names;
        or, from its article alone, where the best opens its article on a subject no name shows, and
        scores high enough to be on the question all the same."""
        response = self.extractive(prepared, fallback=reason)
        if names_what_was_asked(prepared, response, every=prepared.context.best_relevance < self.policy.quote_floor):
            response.model = model
            return response
        best = max(prepared.context.passages, key=lambda p: p.relevance)
        if best.relevance >= self.policy.unnamed_floor and opens_on_unnamed_subject(best):
            own = [p for p in prepared.context.passages if p.article.id == best.article.id]
            response = self.extractive(dataclasses.replace(prepared, context=dataclasses.replace(
                prepared.context, passages=own)), fallback=f"{reason}; the best passage does not name what it is about")
            response.model = model
            return response
        return not_found(prepared, model=model)

    def extractive(self, prepared: Prepared, fallback: str | None = None) -> AskResponse:
        """The best few sentences themselves, each citing itself: nothing is said that is not quoted.

        Beside them, the best sentence about a name the best one brings and the question does not
        ("...the third season of House" brings House, and "House ran on the Fox network" answers),
        so a two-hop question gets its second hop."""
        ranked = best_of_each_text(prepared.context.passages)
        best = ranked[0].rank_score
        chosen = [p for p in ranked[:self.policy.extractive_sentences]
                  if p.rank_score >= best - self.policy.extractive_margin]
        new_names = names(ranked[0].text) - name_forms(prepared.question)
        bridge = next((p for p in ranked if p not in chosen and new_names & name_forms(p.text)), None)
        if bridge is not None:
            chosen.append(bridge)
        chosen.sort(key=lambda p: p.n)
        sentences = [CheckedSentence(text=p.text, citations=[p.n], supported=True, score=1.0) for p in chosen]
        return respond(prepared, sentences, removed=0, mode="extractive", model=None, fallback=fallback)


def best_of_each_text(passages: list[Passage]) -> list[Passage]:
    """The passages best first, each text once: a corpus may hold the same sentence in two
    articles, and an answer that says it twice tells the reader nothing more."""
    ranked: dict[str, Passage] = {}
    for passage in sorted(passages, key=lambda p: -p.rank_score):
        ranked.setdefault(passage.text, passage)
    return list(ranked.values())


def ordered_by_its_quotes(question: str, conclusion: DraftSentence, passages: list[Passage]) -> CheckedSentence:
    """Which came first, checked by the rule that wrote it, on the quotes it cites alone: each
    option's year is in its quote, beside its name. Not by the judge: given "The Wolfhounds was
    founded first, in 1985; Hole in 1989" and its two quotes, the embedded judge scored it 0.49,
    and the same for Humberstone's 1901 against LaBute's 1963 (0.44), below its threshold: comparing
    two years is the step that small model fails."""
    cited = [p for p in passages if p.n in conclusion.citations]
    supported = order_draft(question, cited) == conclusion
    return CheckedSentence(text=conclusion.text, citations=conclusion.citations, supported=supported,
                           score=1.0 if supported else 0.0)


def without_unfounded_verdict(question: str, sentence: CheckedSentence, passages: list[Passage]) -> CheckedSentence:
    """The sentence less an opening "Yes," or "No," where its quotes do not name all the question
    names: the verdict answers the whole question ("Are Jane and First for Women both women's
    magazines?"), and a quote about Jane alone cannot carry it."""
    verdict = VERDICT.match(sentence.text)
    if verdict is None or named(question, " ".join(p.text for p in passages if p.n in sentence.citations),
                                every=True):
        return sentence
    rest = sentence.text[verdict.end():]
    return dataclasses.replace(sentence, text=rest[:1].upper() + rest[1:])


def opens_on_unnamed_subject(passage: Passage) -> bool:
    """Whether the sentence opens its article with a pronoun for its subject ("It has a sister
    school in Carle Place, New York"): nothing before it in its article says what it stands for."""
    return not passage.article.text[:passage.start].strip() and bool(SUBJECT_PRONOUN.match(passage.text))


def names_what_was_asked(prepared: Prepared, response: AskResponse, every: bool = False) -> bool:
    """Whether the articles an answer quotes name what the question names, where it names anything:
    a question about "Dua Lipa" is not answered by true sentences about other English singers, nor
    one about "the 2022 World Cup" by sentences about a war; one about the "European Commission"
    is, by a quote saying "the EC" from an article that names it."""
    quoted_ids = {c.article_id for c in response.citations}
    articles = {p.article.id: p.article.text for p in prepared.context.passages if p.article.id in quoted_ids}
    return named(prepared.question, " ".join(articles.values()), every)


def named(question: str, text: str, every: bool = False) -> bool:
    """Whether `text` names what `question` names (`every`: all of it, and something), where it
    names anything. A name phrase counts whole, or by any of its words of four letters or more but
    for words many names share ("World", "Bank"), where the text capitalises that word in a name of
    no other words (titles and shared words aside). Articles write a name shorter or otherwise than
    a question ("Whitehead" for "Axle Whitehead", "Sang Wook Cheong" for "Sang-Wook Cheong",
    "Kerrygold" for "Kerrygold Irish Cream Liqueur"), and a question joins names ("Pam Veasey and
    Jon Jost"). Quotes about other people name none of it: "Richard Ford" does not name Aleksander
    Ford (though "President Obama" and "Barack Hussein Obama" name Barack Obama), "World War II"
    does not name the World Cup, nor "the general manager" General Motors. An acronym counts as
    written ("WNP-3"), in the text or spelt out there, and a spelt-out name as its initials ("the
    Developing Communities Project" is the article's "DCP"). A question in title case or capitals
    names nothing its case can show: it is not held to this."""
    question_words = _name_words(question)
    if sum(word[:1].isupper() and word.lower() in STOPWORDS for word in question_words[1:]) >= CASELESS_STOPWORDS:
        return not every
    phrases = {" ".join(_name_words(name)).lower() for phrase in name_phrases(question.replace("-", " "))
               for name in phrase.split(" and ")}
    not_single_names = SHARED_NAME_WORDS | TITLES | {word for phrase in phrases for word in phrase.split()}
    phrases |= {word for word in names(question.replace("-", " "))
                if len(word) >= NAMED_WORD and word not in not_single_names}
    acronyms = {specific for specific in stated_specifics(" ".join(question_words))
                if specific.isupper() and not ROMAN_NUMERAL.fullmatch(specific) and specific not in SHARED_ACRONYMS}
    if not phrases and not acronyms:
        return not every
    text_words = _name_words(text)
    joined = " ".join(text_words)
    whole = f" {joined.lower()} "
    written = set(text_words)
    runs = [{word.lower() for word in _name_words(run.group())} - STOPWORDS - SHARED_NAME_WORDS - TITLES
            for run in NAME_RUN.finditer(text)]

    def phrase_named(phrase: str) -> bool:
        words = phrase.split()
        distinct = set(words)
        return (f" {phrase} " in whole
                or any(len(word) >= NAMED_WORD and word not in SHARED_NAME_WORDS
                       for run in runs for word in _names_alone(distinct, run))
                or (len(words) >= MIN_INITIALS and "".join(word[0] for word in words).upper() in written))

    shown = [phrase_named(phrase) for phrase in phrases] + [acronym in written for acronym in acronyms]
    if every:
        return all(shown)
    spelt_out = {abbreviation.upper() for abbreviation in initials(question) if len(abbreviation) >= MIN_INITIALS}
    return any(shown) or bool(acronyms - unshown(acronyms, [joined])) or bool(spelt_out & written)


def _names_alone(words: set[str], run: set[str]) -> set[str]:
    """The words of a question's name that a name the text writes (`run`) shares, where one of the
    two holds all of the other's words ("Urysohn" or "Pavel Samuilovich Urysohn" for "Pavel
    Urysohn", a misspelling aside), and none where each has a word of its own ("Richard Ford")."""
    shared = {word for word in words if any(_same_word(word, written) for written in run)}
    own = {written for written in run if not any(_same_word(word, written) for word in words)}
    return shared if shared == words or not own else set()


def _same_word(word: str, written: str) -> bool:
    """The same word, or one a question misspells by a letter ("Semetism" for "Semitism"; "Jersey"
    is not "Jerseys")."""
    return word == written or (len(word) == len(written) >= MISSPELT_WORD
                               and sum(a != b for a, b in zip(word, written)) == 1)


def _name_words(text: str) -> list[str]:
    """Words as names are written: "Whitehead's" is "Whitehead", "WNP-3" is "WNP" and "3"."""
    return [POSSESSIVE.sub("", word) for word in WORD.findall(text.replace("-", " ").replace(".", " "))]


def finished_part(text: str) -> str:
    """The text up to the end of its last finished sentence: what a stream that broke off left whole."""
    spans = sentence_spans(text)
    if not spans:
        return ""
    if FINISHED_END.search(text):
        return text
    return text[:spans[-1][0]].rstrip()


def not_found(prepared: Prepared, model: str | None = None) -> AskResponse:
    return AskResponse(question=prepared.question, answer=NOT_IN_SOURCES, found=False, sentences=[], citations=[],
                       removed=0, mode=prepared.request.mode, model=model, timings=prepared.timings,
                       usage=prepared.usage)


def said_once(sentences: list[CheckedSentence]) -> list[CheckedSentence]:
    """The sentences less any that repeats an earlier one word for word: two written sentences that
    drop a qualifier of one quote both give way to that quote."""
    seen: set[str] = set()
    kept = []
    for sentence in sentences:
        if sentence.text not in seen:
            seen.add(sentence.text)
            kept.append(sentence)
    return kept


def respond(prepared: Prepared, sentences: list[CheckedSentence], *, removed: int, mode: str, model: str | None,
            fallback: str | None = None) -> AskResponse:
    out, citations = renumber(sentences, prepared.context.passages)
    return AskResponse(
        question=prepared.question, answer=" ".join(with_markers(s.text, s.citations) for s in out), found=True,
        sentences=out, citations=citations, removed=removed, mode=mode, fallback=fallback,
        degraded=degradations(sentences), model=model, timings=prepared.timings, usage=prepared.usage)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
