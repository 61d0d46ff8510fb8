"""The faithfulness checker: is a claim supported by its source passages?

`service.runtime` wires the models into it; nothing here knows which models are loaded.
"""

from __future__ import annotations

from service.checker.cascade import Checker, CheckerInputError, Evidence, SupportJudge, Verdict
from service.checker.judge import Judge, NliJudge

__all__ = ["Checker", "CheckerInputError", "Evidence", "Judge", "NliJudge", "SupportJudge", "Verdict"]
