"""Verification: every generated sentence is checked against the passages it cites.

A sentence the checker does not find supported by its own citations (or that has none) is
checked once more against all the passages; if some passage supports it, the citation is
corrected to the sentences the checker aligned it with. Otherwise it stays unsupported,
and the caller removes or flags it. A supported sentence citing several passages keeps only
the best aligned one when that one alone supports it: a citation that adds nothing only
sends the reader to text that does not bear on the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.checker import Checker, Verdict
from service.citations import DraftSentence
from service.context import Passage


@dataclass
class CheckedSentence:
    text: str
    citations: list[int]  # passage numbers
    supported: bool
    score: float  # the checker's support probability


def verify(drafts: Sequence[DraftSentence], passages: Sequence[Passage], checker: Checker,
           min_support: float | None = None) -> list[CheckedSentence]:
    """`min_support`: the probability of support a sentence needs; the checker's own threshold if None."""
    threshold = checker.calibration.threshold if min_support is None else min_support
    by_number = {p.n: p for p in passages}
    checked = []
    for draft in drafts:
        checked_on, recited = draft.citations, False  # recited: the checker chose the citations
        verdict = checker.check(draft.text, [by_number[n].text for n in checked_on]) if checked_on else None
        if (verdict is None or verdict.probability < threshold) and passages:
            everywhere = checker.check(draft.text, [p.text for p in passages])
            if everywhere.probability >= threshold or verdict is None:
                verdict, checked_on, recited = everywhere, [p.n for p in passages], True
        supported = verdict is not None and verdict.probability >= threshold
        score = verdict.probability if verdict else 0.0
        citations = [] if recited else draft.citations
        if supported:
            aligned = _aligned(verdict, checked_on)
            citations = aligned if recited else draft.citations
            if len(citations) > 1 and aligned:
                alone = checker.check(draft.text, [by_number[aligned[0]].text])
                if alone.probability >= threshold:
                    citations, score = aligned[:1], alone.probability
        checked.append(CheckedSentence(text=draft.text, citations=citations, supported=supported, score=score))
    return checked


def _aligned(verdict: Verdict, checked_numbers: Sequence[int]) -> list[int]:
    """The passage numbers of the verdict's evidence, best aligned first; the verdict was given
    on the texts of `checked_numbers`, in that order."""
    return list(dict.fromkeys(checked_numbers[e.passage] for e in verdict.evidence))
