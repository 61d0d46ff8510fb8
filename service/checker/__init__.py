"""The faithfulness checker: is a claim supported by its source passages?"""

from __future__ import annotations

from service.checker.cascade import Checker, CheckerInputError, Evidence, Verdict
from service.checker.judge import Judge, NliJudge
from service.models.registry import Models


def make_checker(models: Models, *, judge: bool = True) -> Checker:
    """The cascade over the loaded embedder, with the judge the settings name (none if `judge` is False).

    The calibrated weights were fitted with the LLM judge; with an NLI model, run
    eval/calibrate.py again to fit them to it.
    """
    settings = models.settings
    if not judge or settings.checker_judge == "none":
        return Checker(models.embedder)
    if settings.checker_judge == "nli":
        if settings.checker_nli_model is None:
            raise ValueError("SOURCED_CHECKER_JUDGE=nli needs SOURCED_CHECKER_NLI_MODEL (a local model directory)")
        return Checker(models.embedder, NliJudge(settings.checker_nli_model, settings.threads))
    return Checker(models.embedder, Judge(models.llm))


__all__ = ["Checker", "CheckerInputError", "Evidence", "Verdict", "make_checker"]
