"""Which came first: the answer to "Which band was founded first, Hole or The Wolfhounds?",
decided from the years the passages give each, as a sentence citing both.

The embedded model, given "Hole, which she formed in 1989" and "The Wolfhounds ... formed in
Romford, UK in 1985", states one band's year and stops, or names the wrong one: comparing two
years it reads in two passages is the step it fails. The comparison is done here instead, and
what it writes is a draft like any other: the checker judges it against the two quotes it cites.

Each option's year is the first a passage that names it writes after the name (a person's
"(born March 19, 1963)" or "(November 18, 1901 – October 11, 1984)"; a band's "formed ... in
1985"), from the best-ranked passage that has one. An option no passage gives a year for, or two
the same year, leave the question to the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.citations import DraftSentence
from service.context import Passage
from service.text import NAME_RUN

_OPTIONS = r"[,:]?\s+(?P<first>[^?]{1,200}?),?\s+or\s+(?P<second>[^?,]{1,100}?)\s*\??\s*$"
# "Which band was founded first, Hole, the rock band ..., or The Wolfhounds?"
# "Who was born first Neil LaBute or H. Bruce Humberstone?"
ORDER_QUESTION = re.compile(r"^\s*(?:which|who|what)\b[^?]{0,80}?\b(?P<verb>was|were)\s+(?P<participle>\w+)\s+"
                            rf"(?P<order>first|earlier|later|last)\b{_OPTIONS}", re.IGNORECASE)
# "Who is older Glenn Hughes or Ross Lynch?": the years are years of birth.
AGE_QUESTION = re.compile(rf"^\s*(?:which|who)\b[^?]{{0,40}}?\b(?P<verb>is|was)\s+(?P<order>older|younger)\b{_OPTIONS}",
                          re.IGNORECASE)
EARLIEST = frozenset({"first", "earlier", "older"})
YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
# How far after a name its year may be: "Neil LaBute (born March 19, 1963)", "Hole, which she formed in 1989"
YEAR_REACH = 120
SURNAME_LETTERS = 4


def order_draft(question: str, passages: Sequence[Passage]) -> DraftSentence | None:
    """The sentence that answers a which-came-first question from the passages' years, citing
    the passage of each; None where the question is not one or the years do not decide it."""
    asked = ORDER_QUESTION.match(question) or AGE_QUESTION.match(question)
    if asked is None:
        return None
    options = [_name(asked.group("first")), _name(asked.group("second"))]
    if not all(options) or options[0] == options[1]:
        return None
    dated = [_dated(option, passages) for option in options]
    if None in dated or dated[0][0] == dated[1][0]:
        return None
    order = asked.group("order").lower()
    chosen_at = min((0, 1), key=lambda i: dated[i][0] if order in EARLIEST else -dated[i][0])
    (year, passage), (other_year, other_passage) = dated[chosen_at], dated[1 - chosen_at]
    chosen, other = options[chosen_at], options[1 - chosen_at]
    verb = asked.group("verb").lower()
    said = (f"{verb} {asked.group('participle').lower()} {order}, in {year}" if "participle" in asked.groupdict()
            else f"{verb} {order}, born in {year}")
    return DraftSentence(text=f"{chosen} {said}; {other} in {other_year}.",
                         citations=sorted({passage.n, other_passage.n}))


def _name(option: str) -> str | None:
    """The option's name: "Hole" of "Hole, the rock band that Courtney Love was a frontwoman of"."""
    found = NAME_RUN.match(option.strip())
    return found.group().strip() if found else None


def _dated(name: str, passages: Sequence[Passage]) -> tuple[int, Passage] | None:
    words = name.split()
    # "Neil N. LaBute" for "Neil LaBute", "Bruce "Lucky" Humberstone" for "H. Bruce Humberstone"
    surname = words[-1] if len(words) > 1 and len(words[-1]) >= SURNAME_LETTERS else None
    mentions = [re.compile(rf"\b{re.escape(form)}\b") for form in (name, surname) if form]
    for passage in sorted(passages, key=lambda p: -p.rank_score):
        mention = next((found for pattern in mentions if (found := pattern.search(passage.text))), None)
        if mention is None:
            continue
        year = YEAR.search(passage.text, mention.end(), mention.end() + YEAR_REACH)
        if year:
            return int(year.group()), passage
    return None
