"""Sentence-aware chunks that keep exact character spans into the article text.

Chunks are runs of whole sentences up to a size, overlapping by whole sentences. Spans
index the stored text, so `text[start:end]` is the chunk, always.
"""

from __future__ import annotations

from service.records import Chunk
from service.text import sentence_spans


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
