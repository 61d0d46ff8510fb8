"""The faithfulness checker: is a claim supported by its source passages?"""

from __future__ import annotations

from service.checker.cascade import Checker, CheckerInputError, Evidence, Verdict
from service.checker.judge import Judge
from service.models.registry import Models


def make_checker(models: Models, *, judge: bool = True) -> Checker:
    """The cascade over the loaded embedder, with the generator as judge unless `judge` is False."""
    return Checker(models.embedder, Judge(models.llm) if judge else None)


__all__ = ["Checker", "CheckerInputError", "Evidence", "Verdict", "make_checker"]
