"""The checker: fast signals decide the clear cases, the judge only the uncertain ones.

Weights and thresholds come from `calibration.json`, fitted by `eval/calibrate.py` on
SummEdits' non-news domains only (the reported sets are never used to fit anything).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel

from service import metrics
from service.checker.signals import FEATURES, SentenceSignals, SignalExtractor, SourceSentences, worst_case
from service.models.embedder import Embedder
from service.models.llm import LLMError

log = logging.getLogger(__name__)

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
# A claim that only restates source sentences (see SentenceSignals.restates) is supported at
# least this strongly. The regression never saw such claims: SummEdits pairs differ by edits.
RESTATEMENT_PROBABILITY = 0.9
# Over a long source, the judge reads each claim sentence (not the whole claim) against a window
# of consecutive source sentences around its best-aligned one (SummaC's windows): an abstractive
# sentence draws on the neighbours of the sentence it shares most words with. On 60 training rows
# the judge alone scored balanced accuracy 0.60 shown the whole claim with its two best-aligned
# sentences per claim sentence, 0.69 with the best of two windows per claim sentence, and 0.74
# with the one window around the best-aligned sentence, the cheapest. A source of a few sentences
# (an answer's quotes) is read whole, so that a sentence joining two quotes can rest on both.
WINDOW_RADIUS = 1
READ_WHOLE_SENTENCES = 6
# Read whole, the verdict rests on each claim sentence's two best-aligned source sentences: a
# sentence may join two quotes, and a third rarely adds anything but a citation to drop.
EVIDENCE_PER_SENTENCE = 2
# A claim that opens with a yes or no, or concludes a comparison ("X was founded first"), is an
# inference from the facts it cites: word overlap cannot check it (the conclusion's words are in
# no source), so where the sources are a few quotes the judge decides alone, shown all of them.
CONCLUSION = re.compile(r"^\W*(?:yes|no)\b|\b(?:first|earlier|later|older|younger|both|neither)\b", re.IGNORECASE)


class CheckerInputError(ValueError):
    """The claim is empty: there is nothing to check."""


class Evidence(BaseModel):
    """A source sentence that supports one sentence of the claim: the best aligned one, and where
    the judge decided, each sentence it was shown (a claim may join facts from two sentences)."""

    claim_sentence: str
    passage: int
    start: int
    end: int
    quote: str


class Verdict(BaseModel):
    probability: float
    fast_probability: float | None = None  # before the judge, where it was asked
    label: Literal["supported", "unsupported"]
    decided_by: Literal["fast", "judge", "no-source", "fast-fallback"]  # fast-fallback: the judge failed
    # The cascade leaves this claim to the judge (whether or not one is configured): with no judge,
    # the claims it would settle alone are the others, so the fast path can be measured by itself.
    for_judge: bool = False
    evidence: list[Evidence]
    signals: dict[str, float]


class SupportJudge(Protocol):
    description: str

    def probability(self, claim: str, source_sentences: list[str]) -> float: ...


@dataclass(frozen=True)
class Calibration:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    judge_low: float  # fast probabilities inside [judge_low, judge_high] go to the judge
    judge_high: float
    combine_coef: tuple[float, float]  # weights of (fast logit, judge logit)
    combine_intercept: float
    threshold: float

    @classmethod
    def load(cls, path: Path = CALIBRATION_PATH) -> Calibration:
        data = json.loads(path.read_text())
        if data["features"] != list(FEATURES):
            raise ValueError(f"{path} was fitted on other features; run eval/calibrate.py again")
        return cls(mean=np.array(data["mean"]), scale=np.array(data["scale"]), coef=np.array(data["coef"]),
                   intercept=data["intercept"], judge_low=data["judge_low"], judge_high=data["judge_high"],
                   combine_coef=tuple(data["combine_coef"]), combine_intercept=data["combine_intercept"],
                   threshold=data["threshold"])

    def fast_probability(self, features: np.ndarray) -> float:
        return sigmoid(float(((features - self.mean) / self.scale) @ self.coef + self.intercept))

    def combined_probability(self, fast: float, judged: float) -> float:
        a, b = self.combine_coef
        return sigmoid(a * logit(fast) + b * logit(judged) + self.combine_intercept)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


class Checker:
    def __init__(self, embedder: Embedder, judge: SupportJudge | None = None,
                 calibration: Calibration | None = None):
        self.signals = SignalExtractor(embedder)
        self.judge = judge
        self.calibration = calibration or Calibration.load()

    @property
    def description(self) -> str:
        """What checks a claim, in words a reader of a digest's small print understands."""
        fast = "comparing each sentence with its quotes (the words, numbers and names they lack; negation)"
        return fast if self.judge is None else f"{fast}, then {self.judge.description} where that is unsure"

    def check(self, claim: str, sources: Sequence[str]) -> Verdict:
        if not claim or not claim.strip():
            raise CheckerInputError("the claim is empty")
        passages = [s for s in sources if s and s.strip()]
        if not passages:
            return Verdict(probability=0.0, label="unsupported", decided_by="no-source", evidence=[], signals={})
        source = self.signals.source(list(passages))
        sentences = self.signals.claim_signals(claim.strip(), source)
        features = worst_case(sentences)
        probability = fast = self.calibration.fast_probability(features)
        decided_by = "fast"
        shown: list[list[int]] = [s.aligned[:1] for s in sentences]  # what the verdict rests on, per sentence
        restates = all(s.restates for s in sentences)
        conclusion = CONCLUSION.search(claim) is not None and len(source.texts) <= READ_WHOLE_SENTENCES
        for_judge = conclusion or (not restates
                                   and self.calibration.judge_low <= probability <= self.calibration.judge_high)
        if self.judge is not None and conclusion:
            judged, _ = self.judged(claim, sentences, source)  # a few sentences: read whole
            if judged is not None:
                shown = [list(range(len(source.texts)))] * len(sentences)  # a conclusion rests on them all
                probability, decided_by = judged, "judge"
            else:
                decided_by = "fast-fallback"
        elif restates:
            probability = fast = max(probability, RESTATEMENT_PROBABILITY)
        elif self.judge is not None and for_judge:  # here: in the uncertain band
            judged, read = self.judged(claim, sentences, source)
            if judged is not None:
                shown, decided_by = read, "judge"
                probability = self.calibration.combined_probability(probability, judged)
            else:
                decided_by = "fast-fallback"
        evidence = []
        for sentence, indices in zip(sentences, shown):
            for index in indices:
                passage, start, end = source.spans[index]
                evidence.append(Evidence(claim_sentence=sentence.claim, passage=passage, start=start, end=end,
                                         quote=source.texts[index]))
        label = "supported" if probability >= self.calibration.threshold else "unsupported"
        metrics.verdicts.labels(decided_by, label).inc()
        return Verdict(probability=probability, fast_probability=fast, label=label, decided_by=decided_by,
                       for_judge=for_judge, evidence=evidence, signals=dict(zip(FEATURES, map(float, features))))

    def judged(self, claim: str, sentences: Sequence[SentenceSignals], source: SourceSentences
               ) -> tuple[float | None, list[list[int]]]:
        """The judge's probability that the source supports the claim, and the source sentences
        each claim sentence rests on (best aligned first); None if the judge failed. A few source
        sentences are read whole, with the whole claim; a longer source sentence by sentence, each
        against its window, and the claim is as supported as its least supported sentence."""
        if len(source.texts) <= READ_WHOLE_SENTENCES:
            return self._judged(claim, source.texts), [s.aligned[:EVIDENCE_PER_SENTENCE] for s in sentences]
        supports, read = [], []
        for sentence in sentences:
            window = judge_window(sentence, source)
            judged = self._judged(sentence.claim, [source.texts[i] for i in sorted(window)])
            if judged is None:
                return None, []
            supports.append(judged)
            read.append(window)
        return min(supports), read

    def _judged(self, claim: str, source_sentences: list[str]) -> float | None:
        """The judge's probability, or None when the model behind it failed: the fast verdict then
        stands (and says so), so a failing judge degrades a check instead of failing the request."""
        try:
            return self.judge.probability(claim.strip(), source_sentences)
        except LLMError:
            log.warning("the judge failed; the fast checker's verdict stands", exc_info=True)
            return None


def judge_window(sentence: SentenceSignals, source: SourceSentences) -> list[int]:
    """The window the judge reads one claim sentence against: its best-aligned source sentence
    first (a verdict's evidence is read in that order), then that sentence's neighbours in the
    same passage."""
    best = sentence.aligned[0]
    return [best] + [i for i in range(best - WINDOW_RADIUS, best + WINDOW_RADIUS + 1)
                     if i != best and 0 <= i < len(source.texts) and source.spans[i][0] == source.spans[best][0]]
