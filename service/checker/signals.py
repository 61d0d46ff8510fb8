"""Fast, model-light signals of whether a claim is supported by source sentences.

The claim is split into sentences; each is aligned to the source sentences most similar
to it (embeddings plus word overlap), and compared with them: content words, numbers and
names the aligned sentences lack, negation that differs, and similarity itself. A claim is
as weak as its weakest sentence, so per-sentence signals are aggregated worst-case.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from service.models.embedder import Embedder
from service.text import content_word_sequence, content_words, in_order, name_forms, names, numbers, sentence_spans

NEGATION = re.compile(r"\b(not|no|never|none|nobody|nothing|neither|nor|without|n't|cannot|denied|denies|deny)\b|n[’']t\b",
                      re.IGNORECASE)
ALIGNED = 3
RESTATEMENT_SIMILARITY = 0.6
CANDIDATES = 6  # source sentences per claim sentence that are embedded, chosen by word overlap

FEATURES = ("similarity_max", "similarity_mean_top", "novel_words_aligned", "novel_words_source",
            "novel_numbers_aligned", "novel_numbers_source", "novel_names_aligned", "novel_names_source",
            "negation_mismatch", "claim_words")


@dataclass
class SourceSentences:
    """The sentences of the source passages, with where each sits, and their vectors."""

    texts: list[str]
    spans: list[tuple[int, int, int]]  # (passage index, start, end)
    vectors: dict[int, np.ndarray] = field(default_factory=dict)  # filled on demand
    words: list[set[str]] = field(default_factory=list)
    all_words: set[str] = field(default_factory=set)
    all_numbers: set[str] = field(default_factory=set)
    all_names: set[str] = field(default_factory=set)


@dataclass
class SentenceSignals:
    claim: str
    aligned: list[int]  # indices into SourceSentences, best first
    values: dict[str, float]
    # every word (in the same order), number and name is in the best source sentence, same polarity
    restates: bool = False


class SignalExtractor:
    def __init__(self, embedder: Embedder, cache_size: int = 256):
        self.embedder = embedder
        self._cache: OrderedDict[str, SourceSentences] = OrderedDict()
        self._cache_size = cache_size

    def source(self, passages: list[str]) -> SourceSentences:
        """Sentences of the passages; cached, since one article is checked against many claims."""
        key = hashlib.sha256("\x00".join(passages).encode()).hexdigest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        spans = [(i, s, e) for i, passage in enumerate(passages) for s, e in sentence_spans(passage)]
        texts = [passages[i][s:e] for i, s, e in spans]
        sentences = SourceSentences(texts=texts, spans=spans)
        sentences.words = [content_words(t) for t in texts]
        sentences.all_words = set().union(*sentences.words) if texts else set()
        sentences.all_numbers = set().union(*(numbers(p) for p in passages)) if passages else set()
        sentences.all_names = set().union(*(name_forms(p) for p in passages)) if passages else set()
        self._cache[key] = sentences
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return sentences

    def claim_signals(self, claim: str, source: SourceSentences) -> list[SentenceSignals]:
        """Signals for each sentence of the claim.

        Only the source sentences sharing the most words with a claim sentence are embedded
        (and their vectors kept with the source): embedding every sentence of a long article
        for every claim would cost more than all the other signals together.
        """
        claim_sentences = [claim[s:e] for s, e in sentence_spans(claim)] or [claim]
        words = [content_words(text) for text in claim_sentences]
        candidates = [self._candidates(w, source) for w in words]
        missing = sorted({i for c in candidates for i in c} - set(source.vectors))
        vectors = self.embedder.embed(claim_sentences + [source.texts[i] for i in missing])
        source.vectors.update(zip(missing, vectors[len(claim_sentences):]))
        return [self._sentence(text, w, vector, c, source)
                for text, w, vector, c in zip(claim_sentences, words, vectors, candidates)]

    @staticmethod
    def _candidates(words: set[str], source: SourceSentences) -> list[int]:
        overlap = [len(words & w) for w in source.words]
        return sorted(range(len(overlap)), key=lambda i: -overlap[i])[:CANDIDATES]

    def _sentence(self, text: str, words: set[str], vector: np.ndarray, candidates: list[int],
                  source: SourceSentences) -> SentenceSignals:
        if not source.texts:
            return SentenceSignals(text, [], {name: 0.0 for name in FEATURES} | {"novel_words_source": 1.0,
                                                                                 "novel_words_aligned": 1.0})
        similarity = np.array([source.vectors[i] @ vector for i in candidates])
        overlap = np.array([len(words & source.words[i]) / max(len(words), 1) for i in candidates])
        ranking = [candidates[j] for j in np.argsort(-(similarity + overlap))[:ALIGNED]]
        aligned_words = set().union(*(source.words[i] for i in ranking))
        aligned_text = " ".join(source.texts[i] for i in ranking)
        claim_numbers, claim_names = numbers(text), names(text)
        top = np.sort(similarity)[::-1][:ALIGNED]
        values = {
            "similarity_max": float(top[0]),
            "similarity_mean_top": float(top.mean()),
            "novel_words_aligned": len(words - aligned_words) / max(len(words), 1),
            "novel_words_source": len(words - source.all_words) / max(len(words), 1),
            "novel_numbers_aligned": float(len(claim_numbers - numbers(aligned_text))),
            "novel_numbers_source": float(len(claim_numbers - source.all_numbers)),
            "novel_names_aligned": float(len(claim_names - name_forms(aligned_text))),
            "novel_names_source": float(len(claim_names - source.all_names)),
            # against the best sentence only: a neighbour's "denied" must not flag a plain claim
            "negation_mismatch": float(bool(NEGATION.search(text)) != bool(NEGATION.search(source.texts[ranking[0]]))),
            "claim_words": float(len(words)),
        }
        best = ranking[0]
        restates = (not words - source.words[best] and not claim_numbers - numbers(source.texts[best])
                    and not claim_names - name_forms(source.texts[best]) and not values["negation_mismatch"]
                    and in_order(content_word_sequence(text), content_word_sequence(source.texts[best]))
                    and float(source.vectors[best] @ vector) >= RESTATEMENT_SIMILARITY)
        return SentenceSignals(text, [int(i) for i in ranking], values, restates)


def worst_case(signals: list[SentenceSignals]) -> np.ndarray:
    """One feature vector for the whole claim: each feature at its least supportive sentence."""
    rows = np.array([[s.values[name] for name in FEATURES] for s in signals])
    lower_is_worse = {"similarity_max", "similarity_mean_top"}
    return np.array([rows[:, j].min() if name in lower_is_worse else rows[:, j].max()
                     for j, name in enumerate(FEATURES)])
