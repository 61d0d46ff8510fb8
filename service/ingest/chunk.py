"""Sentence-aware chunks that keep exact character spans into the article text.

Sentences come from blingfire within each paragraph (it does not see paragraph breaks
itself); chunks are runs of whole sentences up to a size, overlapping by whole sentences.
Spans index the stored text, so `text[start:end]` is the chunk, always.
"""

from __future__ import annotations

import re

import blingfire

from service.ingest.article import Chunk

PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
# "...in the 19th century.First for Women is..." : pages and datasets glue sentences without
# a space, where blingfire sees one sentence. A full stop between a lower-case word and a
# capitalised one still ends a sentence (abbreviations like "U.S.Army" stay whole).
GLUED_END = re.compile(r"(?<=[a-z0-9)\"”’])[.!?](?=[A-Z][a-z])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace excluded, in order, never overlapping.

    Only blingfire's sentence *ends* are used: each sentence runs from the end of the one
    before to its own end, so every visible character belongs to exactly one sentence even
    where blingfire skips characters (control codes, stray marks) in its offsets.
    """
    spans: list[tuple[int, int]] = []
    for paragraph in PARAGRAPH.finditer(text):
        base, body = paragraph.start(), paragraph.group()
        _, offsets = blingfire.text_to_sentences_and_offsets(body)
        ends = sorted({min(end, len(body)) for _, end in offsets or []} | {len(body)}
                      | {glued.end() for glued in GLUED_END.finditer(body)})
        cursor = 0
        for end in ends:
            start = cursor
            while start < end and body[start].isspace():
                start += 1
            stop = end
            while stop > start and body[stop - 1].isspace():
                stop -= 1
            if start < stop:
                spans.append((base + start, base + stop))
                cursor = end
    return spans


def chunk_article(article_id: str, version: str, text: str, max_chars: int = 800,
                  overlap_sentences: int = 1) -> list[Chunk]:
    """Group sentences into chunks of at most `max_chars` (a longer sentence is its own chunk)."""
    if max_chars < 1 or overlap_sentences < 0:
        raise ValueError("max_chars must be positive and overlap_sentences non-negative")
    spans = sentence_spans(text)
    chunks: list[Chunk] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= max_chars:
            last += 1
        start, end = spans[first][0], spans[last][1]
        index = len(chunks)
        chunks.append(Chunk(id=f"{article_id}#{version}-{index}", article_id=article_id, index=index,
                            start=start, end=end, text=text[start:end]))
        if last + 1 >= len(spans):
            break
        # Overlap only as far as still leaves room for a new sentence, so that no chunk is
        # a mere tail of the one before it.
        first = max(last + 1 - overlap_sentences, first + 1)
        while first <= last and spans[last + 1][1] - spans[first][0] > max_chars:
            first += 1
    return chunks
