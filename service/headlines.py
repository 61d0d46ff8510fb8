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
from service.text import DOTTED_INITIALS, STOPWORDS, headline_sentence

MOST_CHARS = 120
FEWEST_WORDS = 6
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "on Thursday morning" and "Thursday": gone. "on Thursday, Feb. 23, 2023,": the date stays.
BARE_WEEKDAY = re.compile(rf"\s+(?:on\s+)?{_WEEKDAY}{_PART_OF_DAY}(?!,?\s+{_MONTH}\s+\d)\b")
WEEKDAY_BEFORE_DATE = re.compile(rf"\b{_WEEKDAY},?\s+(?={_MONTH}\s+\d)")
# Where a clause begins, and where a phrase does: a headline is cut at the latest of the first kind
# that fits, else at the latest of the second.
CLAUSE_START = re.compile(r",\s+(?:who|which|where|whose|while|with|as|but|after|before|amid|following|the|"
                          r"[a-z]+ing)\b|\s+(?:as part of|as|while|when|after|before|because|amid|following)\s|"
                          r"\s+[-–—]+\s|;\s")
# Not "and", "or" or "of": they join the words of a name or a noun phrase ("former kickboxer and
# social media influencer Andrew Tate's detention").
PHRASE_START = re.compile(r"\s+(?:to|with|in|on|at|for|from|by|that|how|about|into|over|under|[a-z]+ing)\s")
# Sentences run together without a space ("for longer.MSCI's broadest index"): the first is the lead.
RUN_ON = re.compile(r"(?<=[a-z])[.!?](?=[A-Z])")
# ", according to reports" and ", state media reported" close a lead and govern all of it: they
# close its headline too.
CLOSING_ATTRIBUTION = re.compile(r",\s+(?:according\s+to\s+[^,]{1,60}|[^,]{1,60}\s(?:said|says|reported|reports))$")
QUOTATION_MARKS = re.compile(r'[“”"]')
TRAILING_PUNCTUATION = " \t\n,;:.!?–—-"


def headline(title: str, text: str) -> str:
    """The title a digest shows: the article's own, or, where the title is its lead sentence cut at
    a length (what ingestion gives an article without one), a headline made from the lead."""
    lead = headline_sentence(text)
    if not lead or not lead.startswith(title.removesuffix("…").rstrip()):
        return title
    return lead_headline(lead)


def lead_headline(lead: str) -> str:
    lead = RUN_ON.split(lead.strip(), maxsplit=1)[0]
    shortened = WEEKDAY_BEFORE_DATE.sub("", BARE_WEEKDAY.sub("", lead))
    shortened = shortened if DOTTED_INITIALS.search(shortened[-6:]) else shortened.rstrip(TRAILING_PUNCTUATION)
    if len(shortened) <= MOST_CHARS:
        return shortened
    closing = CLOSING_ATTRIBUTION.search(shortened)
    body, attribution = (shortened[:closing.start()], closing.group()) if closing else (shortened, "")
    for boundary in (CLAUSE_START, PHRASE_START):
        for start in sorted((match.start() for match in boundary.finditer(body, 0, MOST_CHARS + 1)), reverse=True):
            kept = body[:start].rstrip(TRAILING_PUNCTUATION)
            if _stands_alone(kept, kept + attribution, lead) and not _cuts_a_speaker(kept + attribution, body, start):
                return kept + attribution
    # No cut keeps what the lead attributes or hedges: the whole lead is the headline.
    return shortened


def _cuts_a_speaker(head: str, body: str, start: int) -> bool:
    """Whether the cut takes a closing clause that says who said it ("..., the minister told
    reporters in the capital") and the headline says no one did: stricter than the checker, which
    reads such a clause as governing the sentence only where it is short."""
    last_clause = body.rfind(", ")
    return (last_clause >= start and bool(QUALIFIERS["attribution"].search(body, last_clause))
            and not QUALIFIERS["attribution"].search(head))


def _stands_alone(kept: str, head: str, lead: str) -> bool:
    """`kept`: what the headline keeps of the lead's body, before its closing attribution."""
    words = kept.split()
    return (len(words) >= FEWEST_WORDS and (words[-1].lower() not in STOPWORDS or CLOSING_ATTRIBUTION.search(kept))
            and len(QUOTATION_MARKS.findall(kept)) % 2 == 0 and not dropped_qualifiers(head, [lead]))
