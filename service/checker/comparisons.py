"""Comparisons of age: "Neil LaBute was born first" where the quotes give 1963 for him and 1901
for the other man. The judge reads two plausible biographies and accepts whichever order the
sentence states; the years decide it, so they are compared here.

A person's years are the ones a quote writes in the brackets after the name, as reference texts
do ("Neil N. LaBute (born March 19, 1963)", "Mary Pierce (born 15 January 1975)", "Elizabeth
Stuart (19 August 1596 – 13 February 1662)"): the first year there is the year of birth.
"""

from __future__ import annotations

import re

# "<Name> was born first", "... is older than ...", "... was born after ..."
ORDER_CLAIM = re.compile(
    r"(?P<subject>[A-Z][\w'’.-]{0,40}+)\s+(?:was|is)\s+(?:born\s+(?P<when>first|earlier|before|later|after)\b|"
    r"(?:the\s+)?(?P<age>older|oldest|younger|youngest)\b)")
EARLIER = frozenset({"first", "earlier", "before", "older", "oldest"})
# A capitalised word, the brackets right after it, and the first year in them.
LIFESPAN = re.compile(r"(?P<name>[A-Z][\w'’.-]{0,40}+)[\"”]?\s*\((?P<inside>[^()]{0,120}?)\b(?P<year>\d{4})\b")


def contradicted_order(sentence: str, quotes: list[str]) -> bool:
    """Whether the sentence says someone was born before (or after) the others its quotes give a
    year of birth for, and the years say otherwise."""
    claim = ORDER_CLAIM.search(sentence)
    if claim is None:
        return False
    years = {match.group("name").lower(): int(match.group("year")) for quote in quotes
             for match in LIFESPAN.finditer(quote)}
    subject = claim.group("subject").lower()
    if subject not in years:
        return False
    others = [year for name, year in years.items() if name != subject]
    if not others:
        return False
    earlier = (claim.group("when") or claim.group("age")) in EARLIER
    return years[subject] > min(others) if earlier else years[subject] < max(others)
