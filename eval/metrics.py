from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import balanced_accuracy_score, precision_recall_fscore_support, roc_auc_score

from service.text import TITLES


def classification(labels: Sequence[int], probabilities: Sequence[float], threshold: float = 0.5) -> dict:
    """Balanced accuracy, per-class precision/recall and ROC AUC; label 1 = supported."""
    y = np.asarray(labels, dtype=int)
    p = np.asarray(probabilities, dtype=float)
    predicted = (p >= threshold).astype(int)
    precision, recall, _, support = precision_recall_fscore_support(y, predicted, labels=[1, 0], zero_division=0)
    return {
        "n": int(len(y)),
        "balanced_accuracy": float(balanced_accuracy_score(y, predicted)),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y)) == 2 else None,
        "supported": {"precision": float(precision[0]), "recall": float(recall[0]), "n": int(support[0])},
        "unsupported": {"precision": float(precision[1]), "recall": float(recall[1]), "n": int(support[1])},
    }


def ranking(ranks: Sequence[int | None], ks: Sequence[int] = (1, 5)) -> dict:
    """Recall@k and MRR from the 1-based rank of each query's own item (None: not retrieved)."""
    n = len(ranks)
    out = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
    out["mrr"] = sum(1.0 / r for r in ranks if r is not None) / n
    return out


ARTICLES = {"a", "an", "the"}
PLURAL = re.compile(r"(?<=[^s\d]{3})s$")
NEGATIONS = {"not", "no", "never", "neither", "nor", "none", "denied", "denies", "deny"}


def answer_tokens(text: str) -> list[str]:
    """SQuAD-style normalisation: lower case, no punctuation, no articles, words split on
    whitespace; initials lose their dots ("U.S." is "us"), possessives their "'s" and plurals
    their "s" ("16 years old" is "16-year-old")."""
    text = re.sub(r"\b(?:[a-z]\.){2,}", lambda m: m.group().replace(".", ""), text.lower())
    text = re.sub(r"['’]s\b", "", re.sub(r"n['’]t\b", " not", text))
    text = re.sub(r"[^\w\s]", " ", text)
    return [PLURAL.sub("", word) for word in text.split() if word not in ARTICLES]


def contains_answer(answer: str, gold: str) -> bool:
    """Every word of the gold answer is a word of the answer: whole words, not substrings ("no"
    is not found in "known"), in any order ("US 60" is found in "U.S. Highway 60"). A person's
    middle name may be an initial or left out, as in "Sarah J. Maas" or "Walter Coy" for the gold
    "Sarah Janet Maas" and "Walter Darwin Coy", and a title before a name too ("Sir", "Dr")."""
    tokens, wanted = answer_tokens(answer), answer_tokens(gold)
    words = set(tokens)
    while len(wanted) > 2 and wanted[0] in TITLES:  # "Sir Francis Nethersole" is answered by "Francis Nethersole"
        wanted = wanted[1:]
    if not wanted:
        return False
    if all(word in words for word in wanted):
        return True
    if len(wanted) != 3:
        return False
    first, middle, last = wanted
    with_initial = any(tokens[i:i + 3] == [first, middle[0], last] for i in range(len(tokens)))
    without = any(tokens[i:i + 2] == [first, last] for i in range(len(tokens)))
    return with_initial or without


def token_f1(answer: str, gold: str) -> float:
    """SQuAD's token F1 between the answer and the gold answer."""
    words, wanted = answer_tokens(answer), answer_tokens(gold)
    common = sum((Counter(words) & Counter(wanted)).values())
    if not common:
        return 0.0
    precision, recall = common / len(words), common / len(wanted)
    return 2 * precision * recall / (precision + recall)


def stance(answer: str) -> str | None:
    """"yes" or "no" for an answer to a yes/no question: its opening word when it is one, else
    "no" when its first sentence negates ("Alibaba denied any wrongdoing"), else "yes"."""
    words = answer_tokens(answer)
    if not words:
        return None
    if words[0] in ("yes", "no"):
        return words[0]
    first = answer_tokens(re.split(r"(?<=[.!?])\s", answer, maxsplit=1)[0])
    return "no" if NEGATIONS & set(first) else "yes"


def is_correct(answer: str, gold: str) -> bool:
    """A yes/no gold is judged by the answer's stance; any other by whole-word containment."""
    wanted = answer_tokens(gold)
    if wanted in (["yes"], ["no"]):
        return stance(answer) == wanted[0]
    return contains_answer(answer, gold)
