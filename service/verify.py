"""Verification: every generated sentence is checked against the passages it cites.

A sentence the checker does not find supported by its own citations (or that has none) is
checked once more against all the passages; if some passage supports it, the citation is
corrected to the sentences the checker aligned it with. Otherwise it stays unsupported,
and the caller removes or flags it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.checker import Checker
from service.citations import DraftSentence
from service.context import Passage


@dataclass
class CheckedSentence:
    text: str
    citations: list[int]  # passage numbers
    supported: bool
    score: float  # the checker's support probability
    recited: bool  # the citations are the checker's, not the generator's


def verify(drafts: Sequence[DraftSentence], passages: Sequence[Passage], checker: Checker,
           min_support: float | None = None) -> list[CheckedSentence]:
    """`min_support`: the probability of support a sentence needs; the checker's own threshold if None."""
    threshold = checker.calibration.threshold if min_support is None else min_support
    by_number = {p.n: p for p in passages}
    checked = []
    for draft in drafts:
        verdict = checker.check(draft.text, [by_number[n].text for n in draft.citations]) if draft.citations else None
        citations, recited = draft.citations, False
        if (verdict is None or verdict.probability < threshold) and passages:
            everywhere = checker.check(draft.text, [p.text for p in passages])
            if everywhere.probability >= threshold or verdict is None:
                verdict = everywhere
                citations = list(dict.fromkeys(passages[e.passage].n for e in everywhere.evidence))
                recited = True
        supported = verdict is not None and verdict.probability >= threshold
        checked.append(CheckedSentence(text=draft.text, citations=citations if supported or not recited else [],
                                       supported=supported, score=verdict.probability if verdict else 0.0,
                                       recited=recited))
    return checked
