"""Context: the best sentences of the retrieved chunks, scored by the reranker and numbered.

The cross-encoder scores single sentences rather than whole chunks: short pairs keep the
prompt small (each numbered passage is one sentence, so a citation is one exact quote)
and cost less than scoring chunks. A sentence's score is lifted by the best sentence of
its own article, so that the second half of an answer ("why") stays beside the first.
A sentence that refers back as it opens, by a pronoun ("He ran for the Senate.") or by the
surname of a name in the sentence before ("Hari was once..." after "Badr Hari is a ..."),
carries the sentence before it, so that its quote still says who is meant when read alone.
Sentences the reranker scores as about something else are not offered at all: they lengthen
the prompt, and a small model lets them crowd out the passages that answer. Nor is a site's
plea or link to another story ("(Also see ... - Scrip, 18 Jan, 2023.)"): no answer quotes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.models.reranker import Reranker
from service.policy import AnswerPolicy
from service.prompts import Quoted, quoted
from service.records import Article
from service.retrieve import Hit
from service.text import is_promotion, past_kicker, sentence_spans

# "He ran...", "In 2007, he was...", "During his career": a pronoun among the first words,
# before any name could be.
SHORT_LEAD = r"[^.,;:]{0,24}, "  # "In 2007, "
PRONOUN_OPENING = re.compile(rf"(?:{SHORT_LEAD}|\w+ (?=(?:his|her|its|their)\b))?"
                             r"(?:he|she|it|they|his|her|its|their|this|these|those)\b", re.IGNORECASE)
# "Hari has been...": one capitalised word, then the sentence goes on in lower case.
NAME_OPENING = re.compile(rf"(?:{SHORT_LEAD})?([A-Z][\w'-]+) [a-z]")


@dataclass
class Passage:
    """One source sentence offered to the generator as `[n]`; `article.text[start:end]` is its text."""

    n: int
    article: Article
    chunk_id: str
    start: int
    end: int
    relevance: float  # the reranker's score of this sentence alone
    rank_score: float = 0.0  # relevance lifted by the article's best sentence: the order of choice

    @property
    def text(self) -> str:
        return self.article.text[self.start:self.end]


@dataclass
class Context:
    passages: list[Passage]
    best_relevance: float | None  # of any candidate sentence; None when retrieval found nothing


def build_context(question: str, hits: Sequence[Hit], reranker: Reranker, policy: AnswerPolicy, *,
                  limit: int = 8) -> Context:
    """Score the first sentences of the hits, keep the best `limit` within the policy's passage
    budget, and number them in reading order (article by article, in text order)."""
    candidates = _sentences(hits)[:policy.scored_sentences]
    if not candidates:
        return Context(passages=[], best_relevance=None)
    scores = reranker.score(question, [c.text for c in candidates])
    best_in_article: dict[str, float] = {}
    for candidate, score in zip(candidates, scores):
        candidate.relevance = float(score)
        best_in_article[candidate.article.id] = max(best_in_article.get(candidate.article.id, -1e9), float(score))
    for candidate in candidates:
        candidate.rank_score = candidate.relevance + policy.article_prior * best_in_article[candidate.article.id]
    ranked = sorted(candidates, key=lambda c: -c.rank_score)
    offered = [c for c in ranked if c.relevance >= policy.offer_floor] or ranked[:1]
    chosen: list[Passage] = []
    used = 0
    for candidate in offered:
        length = candidate.end - candidate.start
        if len(chosen) == limit or (chosen and used + length > policy.passage_budget_chars):
            break
        chosen.append(candidate)
        used += length
    article_order = {a: i for i, a in enumerate(dict.fromkeys(c.article.id for c in ranked))}
    chosen.sort(key=lambda p: (article_order[p.article.id], p.start))
    chosen = _merge_overlapping(chosen)
    for n, passage in enumerate(chosen, 1):
        passage.n = n
    return Context(passages=chosen, best_relevance=float(max(scores)))


def _merge_overlapping(passages: list[Passage]) -> list[Passage]:
    """A sentence chosen both alone and as the context of the next one is quoted once."""
    merged: list[Passage] = []
    for passage in passages:
        last = merged[-1] if merged else None
        if last is not None and last.article.id == passage.article.id and passage.start < last.end:
            last.end = max(last.end, passage.end)
            last.relevance = max(last.relevance, passage.relevance)
            last.rank_score = max(last.rank_score, passage.rank_score)
        else:
            merged.append(passage)
    return merged


def render_passages(passages: Sequence[Passage]) -> Quoted:
    """The numbered passages, grouped under their article's title, as quoted data; each on one
    line, so that only the service's numbers open a line."""
    lines: list[str] = []
    current = None
    for passage in passages:
        if passage.article.id != current:
            current = passage.article.id
            lines.append(f'Article "{_one_line(passage.article.title)}":')
        lines.append(f"[{passage.n}] {_one_line(passage.text)}")
    return Quoted("\n".join(lines))


def _one_line(text: str) -> str:
    return " ".join(quoted(text).split())


def _sentences(hits: Sequence[Hit]) -> list[Passage]:
    seen: set[tuple[str, int]] = set()
    sentences = []
    for hit in hits:
        text, offset = hit.article.text, hit.chunk.start
        spans = [(offset + start, offset + end) for start, end in sentence_spans(hit.chunk.text)]
        for i, (start, end) in enumerate(spans):
            if (hit.article.id, start) in seen:  # chunks overlap by a sentence
                continue
            seen.add((hit.article.id, start))
            if is_promotion(text[start:end]):  # the site's plea or link, not the story's: never a quote
                continue
            referent = _referent_start(text, start, spans[i - 1][0] if i else None)
            if referent is not None:
                start = referent
            if start == 0:  # a desk's tag or dateline is the site's, and reads as garble in an answer
                start = past_kicker(text, start, end)
                if start == end:
                    continue
            sentences.append(Passage(n=0, article=hit.article, chunk_id=hit.chunk.id, start=start, end=end,
                                     relevance=0.0))
    return sentences


def _referent_start(text: str, start: int, previous: int | None) -> int | None:
    """Where the sentence before starts, if the sentence at `start` opens by pointing at someone
    it named; `previous` is that start when known (the chunk's own sentence spans), else found
    in the article text only when needed."""
    pronoun = PRONOUN_OPENING.match(text, start)
    name = None if pronoun else NAME_OPENING.match(text, start)
    if not pronoun and not name:
        return None
    if previous is None:
        previous = _previous_sentence_start(text, start)
    if name and not re.search(rf"\b[A-Z][\w'-]{{0,40}}+ {re.escape(name.group(1))}\b", text[previous:start]):
        return None
    # A link to another story ("(Also see "... Moderna Could Challenge ..." - Scrip)") names no one
    # the next sentence refers back to: it is the site's, not the story's.
    return None if is_promotion(text[previous:start]) else previous


def _previous_sentence_start(text: str, start: int, window: int = 600) -> int:
    before = sentence_spans(text[max(0, start - window):start])
    return max(0, start - window) + before[-1][0] if before else start
