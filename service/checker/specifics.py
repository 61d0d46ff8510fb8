"""Specifics: the names and figures a sentence states, which the quotes it cites must show.

A reader checks a sentence against its quotes alone. "The collapse occurred in Inner Mongolia"
citing a quote that never names Inner Mongolia, or "Don Meij admitted ..." citing "The boss of
Domino's has admitted ...", asks the reader to take a name on trust, even where the article gives
it elsewhere; a model that resolves "him" to a name may also resolve it wrongly. The checker's
judge reads meaning and lets such names pass, so they are compared here, word for word.
"""

from __future__ import annotations

import re

from service.text import (DOTTED_INITIALS, NAME, NUMBER, NUMBER_WORDS, POSSESSIVE, STOPWORDS, TITLES, WORD, name_form,
                          name_forms, names, numbers, sentence_spans)

# Number words a sentence may use loosely ("one of the largest", "a second time", "half the
# town") and scale words a quote may write as a suffix ("$1.8bn"): not specifics.
LOOSE_NUMBER_WORDS = frozenset({"one", "first", "second", "third", "half", "hundred", "thousand", "million", "billion"})
# "Chinese" meets "China", "Ukrainian" "Ukraine": the same name in another form, the longer ending
# in one of these (the shorter in at most one letter more) after a shared start this long at least.
# "Johnson" does not meet "John", nor "market" "Mark".
SHARED_PREFIX = 4
NAME_ENDINGS = frozenset({"", "n", "an", "ian", "ians", "ans", "ns", "ese", "ish", "i", "is", "s", "es"})


# Endings that change a word's number ("transfers") or tense ("included")
INFLECTIONS = ("s", "es", "d", "ed")
# A person's pronouns say who is meant: "He was found dead" is not "They were found dead".
PERSONS = {"he": "he", "him": "he", "his": "he", "himself": "he", "she": "she", "her": "she", "hers": "she",
           "herself": "she", "they": "they", "them": "they", "their": "they", "theirs": "they", "themselves": "they"}
CONTRACTION = re.compile(r"['’]\w+$")  # "they're", "he's"


def changed_persons(sentence: str, quotes: list[str]) -> bool:
    """Whether the sentence refers to someone by a pronoun of another gender or number than its
    quotes use (a sentence may say "he" for a quote's "Mr Smith", not for its "they")."""
    def persons(text: str) -> set[str]:
        words = (CONTRACTION.sub("", word.lower()) for word in WORD.findall(text))
        return {PERSONS[word] for word in words if word in PERSONS}

    shown = persons(" ".join(quotes))
    return bool(shown) and not persons(sentence) <= shown


def changed_form(sentence: str, quotes: list[str]) -> bool:
    """Whether the sentence writes a word of its quotes in another number or tense: "The transfer"
    is one of "the transfers", not all of them, and what payments "included" is not what they
    "include"."""
    written = {word.lower() for quote in quotes for word in WORD.findall(quote)}
    own = {word.lower() for word in WORD.findall(sentence)} - written - STOPWORDS
    return any(len(word) > 3 and any(f"{word}{ending}" in written or (word.endswith(ending) and
                                                                      word[:-len(ending)] in written)
                                     for ending in INFLECTIONS)
               for word in own)


def uncovered_specifics(sentence: str, quotes: list[str]) -> set[str]:
    """The names, acronyms and figures of `sentence` that none of `quotes` shows, in any form."""
    return unshown(stated_specifics(sentence), quotes)


def stated_specifics(sentence: str) -> set[str]:
    """The names (capitalised words that do not open the sentence, or that open it as the first
    word of a name: "Carlos Watson"; lower-cased), the acronyms (as written: "WHO" is not the word
    "who") and the figures (as digits) a sentence states."""
    figures = {n.replace(",", "").rstrip(".") for n in NUMBER.findall(sentence)}
    figures |= {NUMBER_WORDS[w.lower()] for w in WORD.findall(sentence)
                if w.lower() in NUMBER_WORDS and w.lower() not in LOOSE_NUMBER_WORDS}
    acronyms = {word for word in map(name_form_as_written, WORD.findall(sentence))
                if len(word) >= 2 and word.isupper() and word.isalpha()}
    return (names(sentence) - {a.lower() for a in acronyms}) | _opening_names(sentence) | acronyms | figures


# Words that open a sentence before a name without being one ("Many Ukrainians", "Former President").
NOT_FIRST_NAMES = frozenset("""many several some most few last next former top senior junior other all each every both
such new old young local""".split())


def _opening_names(text: str) -> set[str]:
    """First words of names that open a sentence ("Carlos" of "Carlos Watson was arrested"): any
    sentence opens with a capital, so only one that another capitalised word follows."""
    found = set()
    for start, end in sentence_spans(text):
        words = WORD.findall(text[start:end])
        if (len(words) >= 2 and words[0][:1].isupper() and words[1][:1].isupper()
                and words[0].lower() not in STOPWORDS | TITLES | NOT_FIRST_NAMES | NUMBER_WORDS.keys()):
            found.add(name_form(words[0]))
    return found


def unshown(specifics: set[str], quotes: list[str]) -> set[str]:
    shown = " ".join(quotes)
    spelt_out = initials(shown)
    forms, figures = name_forms(shown) | spelt_out, numbers(shown)
    capitalised = {word.upper() for word in WORD.findall(shown) if word[:1].isupper()}  # "Covid" shows "COVID"
    capitalised |= {abbreviation.upper() for abbreviation in spelt_out}
    capitalised |= {dotted.replace(".", "") for dotted in DOTTED_INITIALS.findall(shown)}

    def is_shown(specific: str) -> bool:
        if specific[:1].isdigit():
            return specific in figures
        return specific in capitalised if specific.isupper() else _shown(specific, forms)

    return {s for s in specifics if not is_shown(s)}


def _shown(name: str, forms: set[str]) -> bool:
    if name in forms or len(name) < SHARED_PREFIX:
        return True  # too short to tell a name from an initial or a fragment
    return any(_same_name(name, form) for form in forms if form[:SHARED_PREFIX] == name[:SHARED_PREFIX])


def _same_name(a: str, b: str) -> bool:
    shared = len(_common_prefix(a, b))
    shorter, longer = sorted((a[shared:], b[shared:]), key=len)
    return len(shorter) <= 1 and longer in NAME_ENDINGS


def _common_prefix(a: str, b: str) -> str:
    length = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return a[:length]


def name_form_as_written(word: str) -> str:
    """"WHO's" is the acronym "WHO"."""
    return POSSESSIVE.sub("", word)


def initials(text: str) -> set[str]:
    """"fda" for "Food and Drug Administration": a sentence may abbreviate a name its quote spells out."""
    found = set()
    for match in NAME.finditer(text):
        words = [w for w in match.group().split() if w.lower() not in STOPWORDS]
        if len(words) >= 2:
            found.add("".join(w[0] for w in words).lower())
    return found

