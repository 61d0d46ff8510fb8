"""Citations: `[n]` markers in generated text -> sentences with the passages they cite.

Markers are taken out of the text first and remembered by position; the clean text is
split into sentences, and each marker belongs to the sentence it follows (a marker after
a full stop still belongs to the sentence before it). Numbers that name no passage are
dropped here, so no dangling citation can reach a reader.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel

from service.context import Passage
from service.text import DOTTED_INITIALS, sentence_spans

# A match may start only where a run of whitespace (or, below, of end marks) starts: a long run
# not followed by what the pattern wants would otherwise be scanned again from each character.
MARKER = re.compile(r"(?<!\s)\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SOURCE = r"(?:(?:the|this|that) (?:article|passage|text|source|report|story)s?|passages? \d+)"
# "The article states that X" -> "X": the citation already says where X comes from, and the
# lead-in makes a claim about the article that no quote of it can support.
ATTRIBUTION = re.compile(
    rf"^(?:{_SOURCE} (?:states?|says?|notes?|mentions?|reports?|explains?|indicates?|suggests?|confirms?|shows?)"
    rf"(?: that)?,? |(?:according to|as (?:stated|mentioned|reported|noted) in|based on) ?(?:{_SOURCE})?, ?)",
    re.IGNORECASE)
# "U. S." is "U.S."; "U.S. [1]." leaves "U.S.." once its marker is taken out.
SPACED_INITIAL = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")
INITIALS_END = re.compile(r"\b(?:[A-Z]\.){2,}\Z")
# "both women's magazines, [1][2]." would leave "magazines,." once its markers are taken out.
STRANDED = ",;:"
CLOSING = "\"'”’)"
SENTENCE_END = re.compile(rf"(?<![.!?])[.!?]+[{CLOSING}]*$")
OPENING_QUOTES = "\"'“‘("


@dataclass
class DraftSentence:
    text: str
    citations: list[int] = field(default_factory=list)  # passage numbers, in order, no repeats


class Checked(Protocol):
    text: str
    citations: list[int]
    supported: bool
    score: float


class Citation(BaseModel):
    n: int
    article_id: str
    title: str
    url: str | None
    chunk_id: str
    start: int
    end: int
    quote: str


def parse_cited_text(text: str, valid: Collection[int]) -> list[DraftSentence]:
    clean_parts: list[str] = []
    markers: list[tuple[int, list[int]]] = []  # (position in clean text, numbers)
    text = SPACED_INITIAL.sub(r"\1.", text)
    cursor = length = 0
    for match in MARKER.finditer(text):
        part = text[cursor:match.start()]
        clean_parts.append(part)
        length += len(part)
        markers.append((length, [int(n) for n in re.findall(r"\d+", match.group(1))]))
        cursor = match.end()
        if text.startswith((".", "!", "?"), cursor):
            length -= _strip_stranded(clean_parts, markers, length)
        if text.startswith(".", cursor) and INITIALS_END.search(text, max(0, match.start() - 20), match.start()):
            cursor += 1  # "in the U.S. [1]." ends once
    clean_parts.append(text[cursor:])
    clean = "".join(clean_parts)
    spans = sentence_spans(clean)
    sentences = [DraftSentence(without_attribution(clean[start:end])) for start, end in spans]
    if not sentences:
        return []
    for position, numbers in markers:
        owner = max((i for i, (start, _) in enumerate(spans) if start < position), default=0)
        for n in numbers:
            if n in valid and n not in sentences[owner].citations:
                sentences[owner].citations.append(n)
    return [s for s in sentences if any(ch.isalnum() for ch in s.text)]


def _strip_stranded(clean_parts: list[str], markers: list[tuple[int, list[int]]], length: int) -> int:
    """Take a comma (or semicolon, colon) that the markers just taken out left before the end
    of a sentence off the clean text, and the run of markers back with it; the characters taken.
    Only the parts and markers of this run are read, so the whole parse stays linear."""
    last = len(clean_parts) - 1
    while last > 0 and not clean_parts[last]:  # the empty parts between "[1][2]"
        last -= 1
    kept = clean_parts[last].rstrip(STRANDED)
    taken = len(clean_parts[last]) - len(kept)
    clean_parts[last] = kept
    for i in range(len(markers) - 1, -1, -1):
        if markers[i][0] != length:
            break
        markers[i] = (length - taken, markers[i][1])
    return taken


def without_attribution(sentence: str) -> str:
    stripped = ATTRIBUTION.sub("", sentence, count=1)
    if stripped == sentence or not stripped:
        return sentence
    return stripped[0].upper() + stripped[1:]


class CitedSentence(BaseModel):
    text: str
    citations: list[int]
    supported: bool
    score: float


def renumber(sentences: Sequence[Checked], passages: Sequence[Passage]) -> tuple[list[CitedSentence], list[Citation]]:
    """Citations numbered 1, 2, ... in order of first use, each resolved to its passage. A sentence
    that runs across a paragraph break of its quote is shown on one line; the quote stays verbatim."""
    by_number = {p.n: p for p in passages}
    numbers: dict[int, int] = {}
    for sentence in sentences:
        for n in sentence.citations:
            numbers.setdefault(n, len(numbers) + 1)
    out = [CitedSentence(text=one_line(s.text), citations=[numbers[n] for n in s.citations],
                         supported=s.supported, score=round(s.score, 4)) for s in sentences]
    return out, [cite(by_number[old], new) for old, new in numbers.items()]


def one_line(text: str) -> str:
    """The text with each line break, and the blank space around it, as one space. Split, not
    matched by a pattern: around a long run of spaces, a pattern would try every start in it."""
    if "\n" not in text:
        return text
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def cite(passage: Passage, n: int) -> Citation:
    return Citation(n=n, article_id=passage.article.id, title=passage.article.title, url=passage.article.url,
                    chunk_id=passage.chunk_id, start=passage.start, end=passage.end, quote=passage.text)


def with_markers(text: str, numbers: list[int]) -> str:
    """'It rained.' + [1, 2] -> 'It rained [1][2].': markers inside the closing full stop, but after
    a closing quotation mark ('He said "no." [3]') or initials ('in the U.S. [1]'), which they would
    split; a sentence without one gets it after them, so that the next does not run on."""
    if not numbers:
        return text
    markers = "".join(f"[{n}]" for n in numbers)
    end = SENTENCE_END.search(text)
    if end is None:
        return f"{text} {markers}."
    last_word = text.rsplit(None, 1)[-1].lstrip(OPENING_QUOTES)
    if end.group()[-1] in CLOSING or DOTTED_INITIALS.fullmatch(last_word):
        return f"{text} {markers}"
    return f"{text[:end.start()].rstrip()} {markers}{end.group()}"
