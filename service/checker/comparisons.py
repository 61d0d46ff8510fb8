"""Links between facts that a small judge accepts on a plausible reading, decided here from the words.

Comparisons of age: "Neil LaBute was born first" where the quotes give 1963 for him and 1901
for the other man. The judge reads two plausible biographies and accepts whichever order the
sentence states; the years decide it, so they are compared here.

Causes: "Schoolgirls fell sick because of an unpleasant smell" citing quotes that say the girls
complained of a smell and parents suspect poisoning; "the decision was based on reports from the
agency" citing "the AP reported that a spokesperson for the agency said". A cause is a claim of
its own, and the judge passed both: a sentence may state one only where a quote it cites states a
cause too. "After" and "following" tell when, not why: a sentence may not turn them into "because".

What two things share: "Yes, both The New Pornographers and Kings of Leon are American rock
bands" citing a quote that calls one band Canadian and one that calls the other American; "Both
were Soviet mathematicians" citing one of the two men. The judge reads the shared words ("rock
band") and passes the rest: what a sentence says both share, two of its quotes must each say,
where no quote says it of both at once.

A part for the whole: "The victims were executed from mere feet away" citing "Six of their victims
died at the scene, having been executed from mere feet away" (two of the seven were shot in the
street). The sentence keeps the quote's words in their order, so it passes as a shortening, and
the judge passed it: a sentence that names what a quote counts a part of ("six of their victims",
"none of the four detainees", "most of the residents") must keep how many.

A person's years are the ones a quote writes in the brackets after the name, as reference texts
do ("Neil N. LaBute (born March 19, 1963)", "Mary Pierce (born 15 January 1975)", "Elizabeth
Stuart (19 August 1596 – 13 February 1662)"): the first year there is the year of birth.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from service.text import content_word_sequence, numbers

# "<Name> was born first", "... is older than ...", "... was born after ..."
ORDER_CLAIM = re.compile(
    r"(?P<subject>[A-Z][\w'’.-]{0,40}+)\s+(?:was|is)\s+(?:born\s+(?P<when>first|earlier|before|later|after)\b|"
    r"(?:the\s+)?(?P<age>older|oldest|younger|youngest)\b)")
EARLIER = frozenset({"first", "earlier", "before", "older", "oldest"})
# "Tammy Wynette (born Virginia Wynette Pugh; May 5, 1942 – ...": a name, and a year in the brackets after it
NAME_DATED = re.compile(r"(?P<name>[A-Z][\w'’.-]{0,40}+(?:\s+[A-Z][\w'’.-]{0,40}+){0,3})\s*\("
                        r"[^()]{0,60}?\b(?P<year>1\d{3}|20\d{2})\b")
DATED_NAMES_READ = 20
# "both ... are American rock bands": what follows the verb after "both" is what both are said to share
BOTH = re.compile(r"\b(?:both|neither)\b", re.IGNORECASE)
SHARING_VERB = re.compile(r"\b(?:are|were|is|was|have|had|share|shared|made|make)\b", re.IGNORECASE)
# A quote that says it of both at once ("Both men were ...", "the two bands", "each of them").
OF_BOTH = re.compile(r"\b(?:both|two|each|neither)\b", re.IGNORECASE)
BOTHS_READ = 5  # each is read to the quote's end: a few, so a quote of many stays linear
# A capitalised word, the brackets right after it, and the first year in them.
LIFESPAN = re.compile(r"(?P<name>[A-Z][\w'’.-]{0,40}+)[\"”]?\s*\((?P<inside>[^()]{0,120}?)\b(?P<year>\d{4})\b")
# "born in 1587–1659": a life's span, which a birth is not
BORN_IN_SPAN = re.compile(r"\bborn\s+(?:in\s+|on\s+)?(?:\w+\s+){0,2}\d{3,4}\s*(?:[–—-]|to)\s*(?:\w+\s+){0,2}\d{3,4}\b",
                          re.IGNORECASE)
# "due to begin", "was led to safety" and "gave thanks to" say when, where and to whom, not why.
CAUSES = (r"because|due\s+to(?!\s+(?:be|begin|start|take|open|close|hold|meet|arrive|return|end|resume|launch|"
          r"appear|face|vote|rule|sign|speak|testify|visit|travel|leave|finish|expire|retire|report|release)\b)|"
          r"owing\s+to|as\s+a\s+result|caused\s+by|(?<!gave\s)(?<!give\s)(?<!gives\s)thanks\s+to|based\s+on|"
          r"(?<!was\s)(?<!were\s)(?<!been\s)led\s+to|leading\s+to|resulted\s+in|the\s+reason|therefore|"
          r"sparked|triggered|prompted|blamed\s+on")
STATED_CAUSE = re.compile(rf"\b(?:{CAUSES})\b", re.IGNORECASE)
# What a quote may say a cause with besides the sentence's own words ("the blaze caused",
# "resulted from", "the reasons", "why"); not "since", which mostly tells when.
QUOTED_CAUSE = re.compile(rf"\b(?:{CAUSES}|caus(?:e|es|ed|ing)|lead\s+to|leads\s+to|"
                          r"result(?:s|ed|ing)?\s+(?:in|from)|reasons?|why|so\s+that|prompting|blamed|attributed|"
                          r"driven\s+by|sparks?|triggers?)\b", re.IGNORECASE)

# "Six of their victims", "none of the four detainees", "most of the residents": a part of the
# thing named at its end. Not "all of" or "both of", which are the whole.
PARTITIVE = re.compile(r"\b(?P<part>(?<![\d,.])\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                       r"dozens|hundreds|thousands|some|many|most|several|half|none|few|majority|minority)\s+of\s+"
                       r"(?:the|their|his|her|its|these|those|our)\s+(?:[\w-]+\s+){0,2}?"
                       r"(?P<whole>(?!(?:is|was|has|does|goes)\b)[a-z][\w-]*s)\b",
                       re.IGNORECASE)


def widened_part(sentence: str, quotes: list[str]) -> bool:
    """Whether the sentence names what a quote counts only a part of ("The victims were executed"
    for "Six of their victims ... executed"), without saying how many."""
    for quote in quotes:
        for part in PARTITIVE.finditer(quote):
            count = part.group("part").lower()
            named = re.search(rf"\b{re.escape(part.group('whole'))}\b", sentence, re.IGNORECASE)
            kept = numbers(count) & numbers(sentence) if numbers(count) else re.search(rf"\b{count}\b", sentence,
                                                                                       re.IGNORECASE)
            if named and not kept:
                return True
    return False


def contradicted_order(sentence: str, quotes: list[str], offered: Sequence[str] = ()) -> bool:
    """Whether the sentence says someone was born before (or after) the others its quotes give a
    year of birth for, and the years say otherwise. Where its quotes give only the subject's year,
    the others' are taken from the rest of what was `offered`: "Neil LaBute was born first: Neil
    LaBute (born March 19, 1963) is ..." cites one man and compares him with the other."""
    claim = ORDER_CLAIM.search(sentence)
    if claim is None:
        return False
    subject = claim.group("subject").lower()
    for texts in (quotes, [*quotes, *offered]):
        years = {match.group("name").lower(): int(match.group("year")) for text in texts
                 for match in LIFESPAN.finditer(text)}
        others = [year for name, year in years.items() if name != subject]
        if subject in years and others:
            earlier = (claim.group("when") or claim.group("age")) in EARLIER
            return years[subject] > min(others) if earlier else years[subject] < max(others)
    return False


def dated_as_another(sentence: str, quotes: list[str]) -> bool:
    """Whether the sentence writes after a name the year a quote writes after another name only
    ("George Jones (born May 5, 1942)" where the quote's 1942 is Tammy Wynette's): a small judge
    passes the date because the quote has it, whoever it belongs to."""
    for claim in itertools.islice(NAME_DATED.finditer(sentence), DATED_NAMES_READ):
        name, year = set(claim.group("name").split()), claim.group("year")
        owners = [set(dated.group("name").split()) for quote in quotes
                  for dated in itertools.islice(NAME_DATED.finditer(quote), DATED_NAMES_READ)
                  if dated.group("year") == year]
        if owners and not any(owner & name for owner in owners):
            return True
    return False


def lifespan_as_birth(sentence: str) -> bool:
    """Whether the sentence gives a span of years as a birth ("was born in 1587–1659"): reference
    texts write a life's span in brackets after a name, and a small judge reads it as the year of
    birth the question asks for."""
    return bool(BORN_IN_SPAN.search(sentence))


def added_cause(sentence: str, quotes: list[str]) -> bool:
    """Whether the sentence states a cause ("because", "due to", "based on") where none of its
    quotes states one."""
    return bool(STATED_CAUSE.search(sentence)) and not any(QUOTED_CAUSE.search(quote) for quote in quotes)


def shared_by_one(sentence: str, quotes: list[str]) -> bool:
    """Whether the sentence says two things share something ("both ... are American") that only
    one of its quotes says, where no quote says it of both at once."""
    both = BOTH.search(sentence)
    verb = SHARING_VERB.search(sentence, both.end()) if both else None
    if verb is None:
        return False
    shared = _singular(content_word_sequence(sentence[verb.end():]))
    if any(_says_of_both(quote, shared) for quote in quotes):
        return False
    said = [_singular(content_word_sequence(quote)) for quote in quotes]
    return any(sum(word in words for words in said) < 2 for word in shared)


def _says_of_both(quote: str, shared: set[str]) -> bool:
    """Whether the quote says what is shared after its own "both" ("Both men were Soviet
    mathematicians"), not of two other things ("... Lemma and Theorem, both of which are results
    in topology")."""
    return any(shared <= _singular(content_word_sequence(quote[match.end():]))
               for match in itertools.islice(OF_BOTH.finditer(quote), BOTHS_READ))


def _singular(stems: list[str]) -> set[str]:
    """Stems without a plural's "s": "bands" is "band"."""
    return {stem[:-1] if stem.endswith("s") and len(stem) > 3 else stem for stem in stems}
