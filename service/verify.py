"""Verification: every generated sentence is checked against the passages it cites.

A sentence the checker does not find supported by its own citations (or that has none) is
checked once more against all the passages; if some passage supports it, the citation is
corrected to the sentences the checker aligned it with. Otherwise it stays unsupported,
and the caller removes or flags it. A supported sentence citing several passages keeps only
the best aligned one when that one alone supports it, or the one whose words it copies, and
drops a quote that names nothing the sentence names where the others support it without: a
citation that adds nothing only sends the reader to text that does not bear on the sentence. A sentence its own quotes do not
support is checked with the passages that bring the words they lack (a two-hop answer cites
both hops). A sentence whose quotes are about
different subjects, one of them never named in the sentence, is a splice and is unsupported, and
so is one that says who was born first where its quotes' years say otherwise, gives a
span of years as a birth, or dates a name with a year its quote gives another. A
supported sentence that drops an attribution or a hedge its quote gives ("the FT reported", "may",
"up to") is not supported as written: the quote itself stands in its place. A name or figure the
sentence states must be in the quotes it cites: the passages of the same article that show it are
cited besides, and where none does the sentence is unsupported. Where the caller asks, a sentence
may only shorten its quotes: their words in their order, with so many of its own (a summary's
reader checks it against them, and a small judge passes the same words rearranged to say another
thing); one that does not gives way to its quote, as for a dropped attribution, and so does one
that calls someone by a pronoun of another gender or number than its quotes do, or states a cause
("because", "based on") where its quotes state none. A quote that is
someone's words without saying whose never stands in a sentence's place: the sentence is
unsupported. Where the caller gives the question, a sentence that states words of it its quotes do not
show gives way to its quotes: the question's words are the asker's, not the sources'.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.checker import Checker, Verdict
from service.checker.cascade import CONCLUSION
from service.checker.comparisons import (added_cause, contradicted_order, dated_as_another, lifespan_as_birth,
                                         shared_by_one, widened_part)
from service.checker.qualifiers import dropped_qualifiers, unattributed_speech
from service.checker.specifics import changed_form, changed_persons, initials, uncovered_specifics, unshown
from service.citations import DraftSentence
from service.context import Passage
from service.text import NAME, POSSESSIVE, STOPWORDS, WORD, content_word_sequence, content_words, numbers, stem

# Quotes a shortened sentence may draw on in any order; more are taken in the order cited.
MOST_PERMUTED = 3
# A word of a sentence's own in place of this many of its quote's, or fewer, stands in for them.
SUBSTITUTED_SPAN = 3
# What a shortened sentence drops freely: its day and month.
TIME_STEMS = frozenset(stem(word) for word in (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday").split())


@dataclass
class CheckedSentence:
    text: str
    citations: list[int]  # passage numbers
    supported: bool
    score: float  # the checker's support probability
    judge_failed: bool = False  # some check of it fell back to the fast verdict
    dropped_qualifier: bool = False  # as written, it dropped an attribution or a hedge of a quote it cites


def verify(drafts: Sequence[DraftSentence], passages: Sequence[Passage], checker: Checker,
           min_support: float | None = None, max_new_words: int | None = None,
           question: str | None = None) -> list[CheckedSentence]:
    """`min_support`: the probability of support a sentence needs; the checker's own threshold if None.
    `max_new_words`: where given, a supported sentence must shorten its quotes (see `shortens`), with
    at most this many content words they lack. `question`: where given, a supported sentence that
    restates words of it its quotes lack gives way to its quotes (see `restates_the_question`)."""
    threshold = checker.calibration.threshold if min_support is None else min_support
    by_number = {p.n: p for p in passages}
    offered = [p.text for p in passages]
    checked = []
    for draft in drafts:
        check = _Recorded(checker)
        checked_on, recited = draft.citations, False  # recited: the checker chose the citations
        verdict = check(draft.text, [by_number[n].text for n in checked_on]) if checked_on else None
        bridged = checked_on + bridges(draft.text, checked_on, passages) if checked_on else []
        if verdict is not None and verdict.probability < threshold and len(bridged) > len(checked_on):
            joined = check(draft.text, [by_number[n].text for n in bridged])
            if joined.probability >= threshold:  # a two-hop sentence: its quotes and the ones it needs besides
                for extra in reversed(bridged[len(checked_on):]):  # keep only the bridges it needs
                    fewer = [n for n in bridged if n != extra]
                    without = check(draft.text, [by_number[n].text for n in fewer])
                    if without.probability >= threshold:
                        bridged, joined = fewer, without
                verdict, checked_on = joined, bridged
                draft = DraftSentence(draft.text, bridged)
        if (verdict is None or verdict.probability < threshold) and passages:
            everywhere = check(draft.text, offered)
            if everywhere.probability >= threshold or verdict is None:
                verdict, checked_on, recited = everywhere, [p.n for p in passages], True
        supported = verdict is not None and verdict.probability >= threshold
        score = verdict.probability if verdict else 0.0
        citations = [] if recited else draft.citations
        if supported:
            aligned = _aligned(verdict, checked_on)
            citations = aligned if recited else draft.citations
            if len(citations) > 1 and aligned:
                alone = check(draft.text, [by_number[aligned[0]].text])
                if alone.probability >= threshold:
                    citations, score = aligned[:1], alone.probability
            copied = next((n for n in citations if shortens(draft.text, [by_number[n].text], 0)), None)
            if copied is not None:  # its quote's own words: the others add nothing, whatever the judge says
                citations = [copied]
            unrelated = [n for n in citations if names_nothing_of(draft.text, by_number[n].text)]
            if unrelated and len(unrelated) < len(citations):
                related = [n for n in citations if n not in unrelated]
                without_unrelated = check(draft.text, [by_number[n].text for n in related])
                if without_unrelated.probability >= threshold:
                    citations, score = related, without_unrelated.probability
        quotes = [by_number[n].text for n in citations]
        if not citations:
            supported = False  # a sentence no quote shows is not shown as supported
        if supported and (splices(draft.text, quotes) or contradicted_order(draft.text, quotes, offered)
                          or lifespan_as_birth(draft.text) or shared_by_one(draft.text, quotes)
                          or dated_as_another(draft.text, quotes)):
            supported = False
        if supported and (missing := uncovered_specifics(draft.text, quotes)):
            carrying = carriers(missing, citations, passages)
            supported = carrying is not None
            citations = citations + (carrying or [])
            quotes = [by_number[n].text for n in citations]
        dropped = dropped_qualifiers(draft.text, quotes)
        rephrased = ((max_new_words is not None and not shortens(draft.text, quotes, max_new_words))
                     or changed_persons(draft.text, quotes) or added_cause(draft.text, quotes)
                     or widened_part(draft.text, quotes))
        echoed = question is not None and restates_the_question(draft.text, quotes, question)
        if supported and (dropped or rephrased or echoed):
            # all its quotes where it joined them to echo the question: each carries a hop of the answer
            stand_ins = ([next(by_number[n] for n in citations if by_number[n].text == dropped[0].quote)] if dropped
                         else [by_number[n] for n in citations] if echoed and not rephrased
                         else [by_number[citations[0]]])
            # in its place, a quote of someone's words that does not say whose would drop the attribution too
            if not any(unattributed_speech(quote.text) for quote in stand_ins):
                checked.extend(CheckedSentence(text=quote.text, citations=[quote.n], supported=True, score=score,
                                               judge_failed=check.judge_failed, dropped_qualifier=bool(dropped))
                               for quote in stand_ins)
                continue
            supported = False
        checked.append(CheckedSentence(text=draft.text, citations=citations, supported=supported, score=score,
                                       judge_failed=check.judge_failed, dropped_qualifier=bool(dropped)))
    return checked


JUDGE_FAILED = "the judge failed: some sentences were checked by the fast checker alone"


def degradations(sentences: Sequence[CheckedSentence]) -> list[str]:
    return [JUDGE_FAILED] if any(s.judge_failed for s in sentences) else []


class _Recorded:
    """The checks of one sentence, remembering whether the judge failed in any of them."""

    def __init__(self, checker: Checker):
        self.checker = checker
        self.judge_failed = False

    def __call__(self, claim: str, sources: list[str]) -> Verdict:
        verdict = self.checker.check(claim, sources)
        self.judge_failed = self.judge_failed or verdict.decided_by == "fast-fallback"
        return verdict


def bridges(sentence: str, cited: Sequence[int], passages: Sequence[Passage], most: int = 2) -> list[int]:
    """Passages a sentence also rests on besides those it cites: each, best first, brings words of the
    sentence that the cited ones lack ("The company that bought Aixam is based in Roseau" citing
    only "Polaris is based in Roseau" also needs "Polaris acquired Aixam")."""
    covered = set().union(*(content_words(p.text) for p in passages if p.n in cited))
    added, _ = _cover(content_words(sentence) - covered, [p for p in passages if p.n not in cited],
                      lambda missing, text: missing - content_words(text), most)
    return added


def shortens(sentence: str, quotes: list[str], max_new_words: int) -> bool:
    """Whether a sentence is its quotes shortened: their content words in their order (the quotes
    taken in any order), each in the number and tense they give it, and at most `max_new_words` words of its
    own. Reordered, the same words can say another thing ("Johnson was convicted of killing White"
    from "White was convicted of killing Johnson")."""
    if changed_form(sentence, quotes):
        return False
    sequences = [content_word_sequence(quote) for quote in quotes]
    shown = set().union(*sequences)
    own = content_word_sequence(sentence)
    if len(set(own) - shown) > max_new_words:
        return False
    orders = itertools.permutations(sequences) if len(sequences) <= MOST_PERMUTED else [sequences]
    return any(_shortened_within(own, list(itertools.chain(*order)), shown) for order in orders)


def headline_shortens(headline: str, quotes: list[str], max_new_words: int) -> bool:
    """Whether a headline is its quotes shortened (see `shortens`), its verbs read in their quotes'
    tense: a headline says "pleads" for "pleaded", as headlines do, but keeps the quote's words in
    their order ("EU Commission bans TikTok employees" for "banned employees from using TikTok" says
    another thing)."""
    written = {word.lower(): word for quote in quotes for word in WORD.findall(quote)}
    written_bases = [(_bases(lower), quoted) for lower, quoted in written.items()]

    def as_quoted(match: re.Match) -> str:
        word = match.group()
        if word.lower() in written:
            return word
        bases = _bases(word)
        return next((quoted for their_bases, quoted in written_bases if bases & their_bases), word)

    in_their_tense = WORD.sub(as_quoted, headline)
    return (shortens(in_their_tense, quotes, max_new_words)
            and not leaves_out_a_clause(in_their_tense, " ".join(quotes)))


# A headline may leave out a phrase of its quote between two words it keeps ("Train derailed in
# East Palestine, Ohio, [leading to the] release of toxic chemicals"), up to this many content words;
# past it, it has left out what joins them ("Poilievre shuts down [his account on the social media
# app] TikTok").
HEADLINE_GAP = 3


def leaves_out_a_clause(headline: str, quote: str) -> bool:
    """Whether, between two of its words, the headline leaves out more than `HEADLINE_GAP` content
    words of its quote (each word of the headline read at its first place in the quote after the
    last)."""
    chain = content_word_sequence(quote)
    at = None
    for word in content_word_sequence(headline):
        start = 0 if at is None else at + 1
        found = next((i for i in range(start, len(chain)) if chain[i] == word), None)
        if found is None:
            continue  # a word of its own: `shortens` counts those
        if at is not None and found - at - 1 > HEADLINE_GAP:
            return True
        at = found
    return False


# Endings a headline's present tense drops or adds to its quote's word ("bans" for "banned",
# "releasing" for "release"), longest first.
HEADLINE_ENDINGS = ("ing", "es", "ed", "s", "d", "e")


def _bases(word: str) -> set[str]:
    """The word and what it is without a tense or number ending, at least three letters long:
    "banned" -> {"banned", "bann", "ban"}."""
    word = word.lower()
    found = {word}
    for ending in HEADLINE_ENDINGS:
        base = word[:-len(ending)]
        if word.endswith(ending) and len(base) >= 3:
            found.add(base)
            if len(base) > 3 and base[-1] == base[-2]:
                found.add(base[:-1])
    return found


def _shortened_within(own: list[str], chain: list[str], shown: set[str]) -> bool:
    """Whether the sentence's words that `chain` shows occur in it in the sentence's order, and no
    word of the sentence's own takes the place of words the quotes say there (at most
    `SUBSTITUTED_SPAN` of them, one not a day or month): "The court ordered ..." for "On Jan. 20, a
    judge ordered ..." gives the act to another actor; an own word where the quotes drop nothing, or
    a long stretch, adds to them."""
    positions: list[int | None] = []
    at = -1
    for word in own:
        if word in shown:
            at = next((i for i in range(at + 1, len(chain)) if chain[i] == word), None)
            if at is None:
                return False
            positions.append(at)
        else:
            positions.append(None)
    for i, position in enumerate(positions):
        if position is not None:
            continue
        before = next((p for p in reversed(positions[:i]) if p is not None), -1)
        after = next((p for p in positions[i + 1:] if p is not None), len(chain))
        # "White's" for "White" is the same word
        dropped = set(chain[before + 1:after]) - {own[i].rstrip("'’")}
        if 0 < after - before - 1 <= SUBSTITUTED_SPAN and dropped - TIME_STEMS:
            return False
    return True


def restates_the_question(sentence: str, quotes: list[str], question: str) -> bool:
    """Whether a sentence states words of the question that its quotes do not show: "Thomas Harris
    is a novelist who is famous for creating Dr. Hannibal Lecter", citing "Dr. Hannibal Lecter is a
    character in a series of suspense novels by Thomas Harris", takes "famous" from the question;
    "The solo artist that contributed to Real Damage a variant of is Electropop" garbles it. A small
    judge passes both, the question's words reading as given. A conclusion (yes or no, which came
    first) is exempt: its words are in no quote, and the judge reads it whole."""
    if CONCLUSION.search(sentence):
        return False
    shown = set().union(*map(content_words, quotes))
    return bool(content_words(sentence) & content_words(question) - shown)


def carriers(missing: set[str], cited: Sequence[int], passages: Sequence[Passage], most: int = 2
             ) -> list[int] | None:
    """The passages, from the cited passages' articles, that show the names and figures a
    sentence states and its quotes lack (best first, at most `most`); None if they do not all
    show them. Another article's passage would join two stories into one sentence."""
    articles = {p.article.id for p in passages if p.n in cited}
    candidates = [p for p in passages if p.article.id in articles and p.n not in cited]
    added, left = _cover(missing, candidates, lambda wanted, text: unshown(wanted, [text]), most)
    return None if left else added


def _cover(missing: set[str], candidates: Sequence[Passage], lacking: Callable[[set[str], str], set[str]],
           most: int) -> tuple[list[int], set[str]]:
    """Greedily, the candidates that leave the least of `missing` lacking (`lacking(missing, text)`),
    best first, at most `most`; and what is still missing after them."""
    added: list[int] = []
    while missing and len(added) < most:
        left = {p.n: lacking(missing, p.text) for p in candidates if p.n not in added}
        best = min(left, key=lambda n: len(left[n]), default=None)
        if best is None or len(left[best]) == len(missing):
            break
        added.append(best)
        missing = left[best]
    return added, missing


def splices(sentence: str, quotes: list[str]) -> bool:
    """Whether a sentence joins facts from quotes about different subjects as if they were one: a
    quote that opens with a name ("Jane Doe was born in 1970") lends the sentence a fact about
    that subject, so the sentence must name it too ("John Smith, born in 1970" does not). Names
    are compared as written, capitalised: "the magazine" does not name "Arthur's Magazine"."""
    if len(quotes) < 2:
        return False
    named = _capitalised(sentence)
    return any(subject and not subject & named for subject in map(_opening_name, quotes))


def names_nothing_of(sentence: str, quote: str) -> bool:
    """Whether a quote names no one and gives no figure the sentence does ("She was born in Young,
    New South Wales" cited for "Francis Nethersole was born in 1587"); a name it spells out counts
    as its initials ("the European Commission" names "the EC")."""
    spelt_out = {abbreviation.upper() for abbreviation in initials(quote)}
    return (not (_capitalised(quote) | spelt_out) & _capitalised(sentence)
            and not numbers(quote) & numbers(sentence))


def _opening_name(quote: str) -> set[str]:
    """The words of the name a quote opens with; empty when it opens otherwise ("The strike...",
    "He..."). A lone capitalised word is taken for a name only as a possessive ("Arthur's"): any
    sentence opens with a capital ("Work on the quay..."), so single-word names go unchecked."""
    match = NAME.match(quote)
    if not match or match.group().split()[0].lower() in STOPWORDS:
        return set()
    words = match.group().split()
    if len(words) == 1 and not POSSESSIVE.search(words[0]):
        return set()
    return _capitalised(match.group())


def _capitalised(text: str) -> set[str]:
    return {POSSESSIVE.sub("", w) for w in WORD.findall(text) if w[:1].isupper() and w.lower() not in STOPWORDS}


def _aligned(verdict: Verdict, checked_numbers: Sequence[int]) -> list[int]:
    """The passage numbers of the verdict's evidence, best aligned first; the verdict was given
    on the texts of `checked_numbers`, in that order."""
    return list(dict.fromkeys(checked_numbers[e.passage] for e in verdict.evidence))
