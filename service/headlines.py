"""A story's headline where its article came without one: its lead sentence, cut as an editor
cuts a lead into a headline.

An article with no title of its own is titled at ingestion with its lead sentence cut at a length
("The founder of the troubled digital start-up Ozy Media was arrested Thursday on fraud charges as
part of a scheme to…"). A digest reader took those for what they were: lead sentences, cut off,
with a weekday that read as this week's. A headline here is the lead's main clause: a bare weekday
goes (a date stays: for an undated article it is the only one), and a long lead loses its last
clauses, cut where a clause or a phrase begins, never inside quotation marks, and never where the
cut would drop an attribution or a hedge that governs what is kept ("..., according to reports"
stays, whatever else goes).
"""

from __future__ import annotations

import re

from service.checker.qualifiers import QUALIFIERS, dropped_qualifiers
from service.ingest.extract import lead_title
from service.text import DOTTED_INITIALS, RUN_ON, STOPWORDS, lead_among, opening_sentences, timeless

MOST_CHARS = 120
# A lead no clause boundary shortens heads its story whole up to this long (about 30 words), rather
# than lose what completes it.
LONG_LEAD = 180
# A lead no cut can shorten (each would drop what it attributes, hedges or depends on) is a
# headline up to this long; past it, the article's own title stays.
LONGEST_WHOLE_LEAD = 2 * MOST_CHARS
FEWEST_WORDS = 6
# Where a clause begins, and where a phrase does: a headline is cut at the latest of the first kind
# that fits, else at the latest of the second.
CLAUSE_START = re.compile(r",\s+(?:who|which|where|whose|while|with|as|but|after|before|amid|following|the|"
                          r"along with|as well as|[a-z]+ing)\b|\s+(?:as part of|as|while|when|after|before|because|amid|following)\s|"
                          r"\s+[-–—]+\s|;\s")
# Where, when, with whom: a phrase its clause stands without ("... traveled to Kyiv [with a
# congressional delegation]").
ADJUNCT_START = re.compile(r"\s+(?:in|on|at|from|by|over|under|during|with)\s")
# What often completes its clause ("transferred $1.8 billion [to hedge funds]", "a voluntary
# statement [conveying how ...]"): cut there, a headline read as a fragment, so a lead not much
# longer than a headline stays whole rather than be cut there.
COMPLEMENT_START = re.compile(r"\s+(?:to|for|that|how|about|into|[a-z]+ing)\s")
# Not "and", "or" or "of": they join the words of a name or a noun phrase ("former kickboxer and
# social media influencer Andrew Tate's detention").
# A cut may not take what the rest depends on: "... will strike at midnight unless a deal is reached";
# but a condition inside a phrase that adds to the clause ("..., along with their personal phones if
# they have official apps installed") governs that phrase, and goes with it. One after the phrase
# ("..., including Germany, unless buyers pay in roubles") governs the clause.
CONDITION = re.compile(r"\b(?:unless|if|except|provided|only|not|no|never|without)\b", re.IGNORECASE)
OPEN_CONDITION = re.compile(r"\b(?:unless|if|provided|except)\b", re.IGNORECASE)
ADDITION = re.compile(r",\s+(?:along with|as well as|including)\b")
# ", according to reports" and ", state media reported" close a lead and govern all of it: they
# close its headline too.
def _attribution_clause(outside: str) -> str:
    """A clause that says who said or reported it, of up to 60 characters none of them in `outside`."""
    return rf"according\s+to\s+[^{outside}]{{1,60}}|[^{outside}]{{1,60}}\s(?:said|says|reported|reports)"


CLOSING_ATTRIBUTION = re.compile(rf",\s+(?:{_attribution_clause(',')})$")
# Who said it, as a clause of its own between commas: ", health officials have said,", ", according
# to reports."
REPORTED_BY = re.compile(rf",\s+({_attribution_clause(',.;')})(?=[,.;])")
QUOTATION_MARKS = re.compile(r'[“”"]')
TRAILING_PUNCTUATION = " \t\n,;:.!?–—-"


def headline(title: str, text: str) -> str:
    """The title a story shows: the article's own, or, where the title is its lead sentence cut at
    a length (what ingestion gives an article without one), a headline made from the lead."""
    lead = titling_lead(title, text)
    return (lead_headline(lead) or title) if lead else title


def titled_by_lead(title: str, text: str) -> bool:
    """Whether the article came without a title, so that its headline is its lead's."""
    return titling_lead(title, text) is not None


def titling_lead(title: str, text: str) -> str | None:
    """The lead a story is headed by, where its title is an opening sentence cut at a length (the
    article came without one): the one ingestion chose, or another that an earlier version of it
    chose (a stored title outlives the rule). None for an article with a title of its own."""
    found = opening_sentences(text)
    return lead_among(found) if any(title == lead_title(sentence) for sentence in found) else None


def lead_headline(lead: str) -> str | None:
    """The lead's main clause, or None where no cut keeps what the lead says and the whole is too
    long to head a story."""
    lead = RUN_ON.split(" ".join(lead.split()), maxsplit=1)[0]
    shortened = timeless(lead, yearless=True)
    shortened = shortened if DOTTED_INITIALS.search(shortened[-6:]) else shortened.rstrip(TRAILING_PUNCTUATION)
    if len(shortened) <= MOST_CHARS:
        return shortened
    closing = CLOSING_ATTRIBUTION.search(shortened)
    body, attribution = (shortened[:closing.start()], closing.group()) if closing else (shortened, "")
    for boundary in (CLAUSE_START, None, ADJUNCT_START, COMPLEMENT_START):
        if boundary is None:
            if len(shortened) <= LONG_LEAD:
                return shortened
            continue
        # A boundary's words may run past the length; where it starts may not.
        starts = [match.start() for match in boundary.finditer(body) if match.start() <= MOST_CHARS]
        for start in reversed(starts):
            kept = body[:start].rstrip(TRAILING_PUNCTUATION)
            if (_stands_alone(kept, kept + attribution, lead) and not _cuts_a_speaker(kept + attribution, body, start)
                    and not _condition_follows(body, start)):
                return kept + attribution
    return shortened if len(shortened) <= LONGEST_WHOLE_LEAD else None


def reported_by(quote: str) -> str | None:
    """The clause of `quote` that says who said or reported it (", health officials have said"),
    where it has one."""
    found = REPORTED_BY.search(quote)
    return found.group(1) if found else None


def _condition_follows(body: str, start: int) -> bool:
    """Whether a condition the kept clause depends on follows the cut at `start`, or the cut falls
    inside one ("..., unless buyers agree to pay [in roubles]")."""
    if OPEN_CONDITION.search(body, body.rfind(",", 0, start) + 1, start):
        return True
    if ADDITION.match(body, start):
        phrase_end = body.find(",", start + 1)
        return phrase_end != -1 and bool(CONDITION.search(body, phrase_end))
    return bool(CONDITION.search(body, start))


def _cuts_a_speaker(head: str, body: str, start: int) -> bool:
    """Whether the cut takes a closing clause that says who said it ("..., the minister told
    reporters in the capital") and the headline says no one did: stricter than the checker, which
    reads such a clause as governing the sentence only where it is short."""
    last_clause = body.rfind(", ")
    return (last_clause >= start and bool(QUALIFIERS["attribution"].search(body, last_clause))
            and not QUALIFIERS["attribution"].search(head))


def _stands_alone(kept: str, head: str, lead: str) -> bool:
    """Whether `kept` (the lead's body up to the cut) reads as a headline: a clause of a few words
    that does not end on a function word or inside a quotation, and that with its closing
    attribution (`head`) keeps every attribution and hedge of the lead that governs it."""
    words = kept.split()
    return (len(words) >= FEWEST_WORDS and (words[-1].lower() not in STOPWORDS or CLOSING_ATTRIBUTION.search(kept))
            and len(QUOTATION_MARKS.findall(kept)) % 2 == 0 and not dropped_qualifiers(head, [lead]))
