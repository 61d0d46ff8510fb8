"""Attribution and hedges: parts of a source sentence that a sentence resting on it may not drop.

"Belgium's intelligence service has been monitoring the hub, the Financial Times reported"
does not support "Belgium's intelligence service has been monitoring the hub": the source says
that the FT said so. Nor does "it will open its airspace" support "it has opened its airspace",
or "up to three hours" support "three hours". A qualifier counts only where it governs words the
sentence uses: "The minister, appointed in 2019, said the plan would fail" still supports "The
minister was appointed in 2019". Words in quotation marks are someone's: a sentence that uses them
must say whose, or quote them. Kept means the sentence has a qualifier of the same kind (an
attribution, a hedge of the same strength, a bound on a quantity), wherever it puts it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Literal

from service.checker.specifics import initials
from service.text import POSSESSIVE, STOPWORDS, TITLES, WORD, content_word_sequence, numbers

REPORTING = (r"said|says|say|saying|told|tells|tell|reported|reports|reporting|according\s+to|claimed|claims|"
             r"alleged|alleges|stated|(?<!United\s)states|stating|announced|announces|argued|argues|believes|believed|estimated|"
             r"estimates|warned|warns|suggested|suggests|added|adds|noted|notes|wrote|writes|cited|citing|"
             r"denied|denies|deny|insisted|insists|confirmed|confirms|predicted|predicts|expects|expected|"
             r"acknowledged|admitted|described|accused|accuses|quoted|called|calls|asked|asks|urged|urges|vowed|"
             r"vows|replied|tweeted|posted|sources?\s+familiar|laid\s+out|lays\s+out|outlined|outlines|"
             # hopes and fears as verbs ("she hopes the tanks will return", "--she hopes--"), not nouns
             # ("Hopes for a deal")
             r"(?:hopes?|hoped|hoping|fears?|feared|fearing)(?=\s+(?:that|to|the|a|an|it|he|she|they|we|this)\b|\s*(?:--|—|–|,))|"
             # what a report or a study found ("A report by Forbes found that ..."), not what was found
             r"(?:found|finds|showed|shows|revealed|reveals|concluded|concludes)(?=\s+that\b)")
# Hedges by strength: one may stand for another of its strength ("may" for "could", "would" for a
# reported "will"), not of another ("may take more time" is not "is expected to take more time").
HEDGE_CUES = {
    "possible": r"may|might|could|can|possibly|possible|potentially",
    "probable": r"probably|likely",
    "improbable": r"unlikely",
    "expected": r"expected\s+to",
    "future": r"will|won['’]t|shall|would|should|set\s+to|(?:is|are|was|were)\s+to\s+be",
    "intended": r"plans?\s+to|planned\s+to|aims?\s+to|intends?\s+to",
    "apparent": r"reportedly|allegedly|apparently|purportedly|supposedly|suspected|seems?\s+to|appears?\s+to",
    "effective": r"effectively",
}
HEDGES = "|".join(HEDGE_CUES.values())
HEDGE_STRENGTHS = {strength: re.compile(rf"(?:{cues})\Z", re.IGNORECASE) for strength, cues in HEDGE_CUES.items()}
BOUNDS = r"up\s+to|as\s+(?:many|much|few|little)\s+as|at\s+(?:least|most)|more\s+than|less\s+than|fewer\s+than"
QUALIFIERS = {"attribution": re.compile(rf"\b(?:{REPORTING})\b", re.IGNORECASE),
              "hedge": re.compile(rf"\b(?:{HEDGES})\b", re.IGNORECASE),
              "bound": re.compile(rf"\b(?:{BOUNDS})\b", re.IGNORECASE)}
Kind = Literal["attribution", "hedge", "bound"]
# what a hedge governs: the next content words and numbers ("could take up to three hours": "take",
# "three"; "up to 40%": "40")
HEDGE_REACH = 2
# An attribution that closes a sentence governs what precedes it: a comma before it, and after it,
# up to the next comma, nothing but an adjunct of time, place or manner (", the FT reported on
# Thursday."), or a speaker: a few words, or only names (", says Courtney Meares-Whitty, head of
# ...", ", according to the Post."). "The minister, appointed in 2019, said the plan would fail"
# is not one: what follows "said" is a clause. What follows "according to" is a speaker, however long
# (", according to a spokesperson for the Speaker's Office."), which may carry a claim of its own
# (", according to data released on Tuesday showing wages grew"): it governs both sides.
TRAILING = re.compile(r",\s*[^,]{0,80}$")
ADJUNCT = re.compile(r"^\W*(?:$|(?:on|in|at|last|this|earlier|later|today|yesterday|when|while|during|after|before|"
                     r"via|through|to|from|by|with|late|early)\b)", re.IGNORECASE)
CLAUSE_END = re.compile(r"[,;:.!?]")
PARENTHESIS = re.compile(r"\s*(?:--|—|–)")
DASH = re.compile(r"--+|[—–]")
SPEAKER_WORDS = 3
# How far around a qualifier its scope is read, and how many qualifiers of a kind a quote is
# searched for: an article "sentence" may be a whole unpunctuated page, and each is read once.
SCOPE_CHARS = 300
MATCHES_PER_KIND = 20
# Words in quotation marks are someone's, even where the quote does not say whose: a quotation may
# open in the sentence before ('... will serve to remind him of that."'). A short one is a name or
# a scare quote ("the so-called "connector""), which a sentence may use as its own words.
QUOTATION_MARK = re.compile(r'[“”"]')
SPEECH_WORDS = 4
# Who an attribution names: the capitalised words of the few words before its cue, up to the clause
# start ("In a statement, the EC said"), or, where there are none or they are the claim itself,
# of the few after it, across one apposition ("According to Reuters, ...", ", said Eric Mamer, a
# European Commission spokesman"), and the initials of what they spell out ("The New York Times"
# is the NYT). Titles are anyone's ("President Biden" is not "President Macron"), days and months
# are no one, and a sentence's first word is a name unless it is a word for people in general
# ("Police said ...").
SPEAKER_SPAN = 5
NOT_SPEAKERS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december""".split())
ANYONE = frozenset("""police officials authorities experts analysts sources residents witnesses critics researchers
scientists doctors investigators prosecutors lawyers officers spokesman spokeswoman spokesperson reports media
observers diplomats economists traders investors locals activists protesters campaigners""".split())


@dataclass(frozen=True)
class Dropped:
    kind: Kind
    cue: str  # as the source writes it
    quote: str


def dropped_qualifiers(sentence: str, quotes: list[str]) -> list[Dropped]:
    """The qualifiers of `quotes` that govern words of `sentence` and that the sentence does not
    keep: it has no bound at all, no hedge of that strength, or no attribution but the ones the
    quote's attribution governs ("Alibaba denied any wrongdoing, it added": the denial is
    Alibaba's, and the report of it the FT's), or only one that names someone else where both
    name who said it ("The BBC reports that the decision was made ..." for "the EC said the
    decision was made ...")."""
    words = set(content_word_sequence(sentence))
    sentence_numbers = numbers(sentence)
    bound_kept = bool(QUALIFIERS["bound"].search(sentence))
    attributions = {_cue(match) for match in QUALIFIERS["attribution"].finditer(sentence)}
    speakers = set().union(*(_speaker(sentence, match) for match in QUALIFIERS["attribution"].finditer(sentence)))
    named = {POSSESSIVE.sub("", word) for word in WORD.findall(sentence)} | {
        abbreviation.upper() for abbreviation in initials(sentence)}
    kept_strengths = {_strength(match.group()) for match in QUALIFIERS["hedge"].finditer(sentence)}
    dropped = []
    for quote in quotes:
        # read only where the sentence names who said it: nothing else is compared
        speakers_at = {match.start(): _speaker(quote, match) for match in itertools.islice(
            QUALIFIERS["attribution"].finditer(quote), MATCHES_PER_KIND)} if speakers else {}
        quote_speakers = set().union(*speakers_at.values())
        for kind, pattern in QUALIFIERS.items():
            if kind == "bound" and bound_kept:
                continue
            for match in itertools.islice(pattern.finditer(quote), MATCHES_PER_KIND):
                if kind == "hedge" and _strength(match.group()) in kept_strengths:
                    continue
                governed = _governed(quote, match, kind)
                if kind == "attribution" and attributions - {
                        _cue(inner) for inner in QUALIFIERS["attribution"].finditer(governed)} and not (
                        speakers_at.get(match.start()) and not quote_speakers & named):
                    continue
                if (len(words & set(content_word_sequence(governed))) >= (2 if kind == "attribution" else 1)
                        or numbers(governed) & sentence_numbers):
                    dropped.append(Dropped(kind, match.group(), quote))
                    break
        if not attributions and not QUOTATION_MARK.search(sentence) and any(
                len(words & set(content_word_sequence(speech))) >= 2 for speech in _speech(quote)):
            dropped.append(Dropped("attribution", "quotation marks", quote))
    return dropped


def _speaker(text: str, match: re.Match[str]) -> set[str]:
    """The names in who an attribution says said it (see SPEAKER_SPAN)."""
    window_start = max(0, match.start() - SCOPE_CHARS)
    clause_start = max((m.end() for m in CLAUSE_END.finditer(text, window_start, match.start())), default=0)
    before = WORD.findall(text[clause_start:match.start()])
    if not before or len(before) > SPEAKER_SPAN:
        after = CLAUSE_END.split(text[match.end():match.end() + SCOPE_CHARS], maxsplit=2)
        phrase = " ".join(after[:2])
        words = WORD.findall(phrase)[:2 * SPEAKER_SPAN]
    else:
        phrase, words = text[clause_start:match.start()], before
        if clause_start == 0 and words[0].lower() in ANYONE:
            words = words[1:]
    names = {POSSESSIVE.sub("", word) for word in words
             if word[:1].isupper() and word.lower() not in STOPWORDS | NOT_SPEAKERS | TITLES}
    return names | {abbreviation.upper() for abbreviation in initials(phrase)} if names else names


def _cue(match: re.Match[str]) -> str:
    return " ".join(match.group().lower().split())


def _strength(hedge: str) -> str:
    return next(strength for strength, cues in HEDGE_STRENGTHS.items() if cues.match(hedge))


def unattributed_speech(quote: str) -> bool:
    """Whether a quote is someone's words without saying whose ("... remind him of that.\""): put in a
    sentence's place, it would still state them as the summary's own. Whose they are is said
    outside the quotation marks."""
    stretches = _speech(quote, shortest=1)
    if not any(len(WORD.findall(stretch)) >= SPEECH_WORDS for stretch in stretches):
        return False
    outside = quote
    for stretch in stretches:
        outside = outside.replace(stretch, " ")
    return not QUALIFIERS["attribution"].search(outside)


def _speech(quote: str, shortest: int = SPEECH_WORDS) -> list[str]:
    """The stretches of a quote inside quotation marks, of at least `shortest` words, counting a
    quotation that opened before the quote begins (a first mark that closes) or goes on after it
    ends (a last mark that opens). A straight mark opens where a word starts after it and none ends
    before it; one after a digit is no quotation mark (55" is inches)."""
    stretches, opened, closed_any = [], None, False
    for mark in QUOTATION_MARK.finditer(quote):
        direction = _direction(quote, mark.start())
        if direction == "opens" and opened is None:
            opened = mark.end()
        elif direction == "closes":
            if opened is not None:
                stretches.append(quote[opened:mark.start()])
            elif not closed_any and not stretches:
                stretches.append(quote[:mark.start()])
            opened, closed_any = None, True
    if opened is not None:
        stretches.append(quote[opened:])
    return [s for s in stretches if len(WORD.findall(s)) >= shortest]


def _direction(quote: str, at: int) -> str | None:
    mark = quote[at]
    if mark != '"':
        return "opens" if mark == "“" else "closes"
    before = quote[at - 1] if at else " "
    after = quote[at + 1] if at + 1 < len(quote) else " "
    if before.isdigit():
        return None
    if not before.isalnum() and before not in ".,!?" and (after.isalnum() or after in "‘'"):
        return "opens"
    if before.isalnum() or before in ".,!?'’)":
        return "closes"
    return None


def _governed(quote: str, match: re.Match[str], kind: Kind) -> str:
    """The part of the quote a qualifier applies to."""
    before = quote[max(0, match.start() - SCOPE_CHARS):match.start()]
    after = quote[match.end():match.end() + SCOPE_CHARS]
    if kind != "attribution":
        clause = CLAUSE_END.split(after, maxsplit=1)[0]
        return " ".join(content_word_sequence(clause)[:HEDGE_REACH] + sorted(numbers(" ".join(clause.split()[:3]))))
    # "..., the newspaper said." and "..., according to officials." qualify what comes before them;
    # "Officials said ..." and "According to officials, ..." what comes after; "... sites--she
    # hopes--next year" the clause it interrupts, on both sides.
    if PARENTHESIS.match(after):
        return DASH.sub(" ", before + after)
    if TRAILING.search(before + match.group()):
        if _speaker_or_adjunct(after):
            return before
        if _cue(match) == "according to":  # "..., according to data released Tuesday showing wages rose"
            return DASH.sub(" ", f"{before} {after}")
    return DASH.sub(" ", after)


def _speaker_or_adjunct(after: str) -> bool:
    words = WORD.findall(CLAUSE_END.split(after, maxsplit=1)[0])
    return (bool(ADJUNCT.match(after)) or len(words) <= SPEAKER_WORDS
            or all(word[:1].isupper() or word.lower() in STOPWORDS for word in words))
