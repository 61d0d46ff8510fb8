"""Text utilities every stage shares: sentence spans, words, stop words, numbers and name forms.

Sentences come from blingfire within each paragraph (it does not see paragraph breaks
itself). Spans index the text they were found in, so `text[start:end]` is the sentence.
Imports nothing of the service.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import blingfire

PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
# "...in the 19th century.First for Women is...", "for longer.MSCI's broadest index", 'not cooling
# yet."The flow of data', "...and actor.H. Bruce Humberstone": pages and datasets run sentences
# together without a space, where blingfire sees one sentence. A full stop after a word of three
# lower-case letters or more (or a bracket closed after one: "...leave TikTok).EC employees") ends
# one before any capital; after a shorter word or a digit, only before a capitalised word, so that
# abbreviations ("U.S.Army") and degrees ("Ph.D.", "Pharm.D.") stay whole.
RUN_ON = re.compile(r"(?:(?<=[a-z]{3})|(?<=[a-z]\)))(?<!Pharm)(?<!Litt)(?<!Theol)[.!?](?=[\"“]?[A-Z])")
CLOSING_QUOTE = re.compile(r'[ \t]*"(?=\s|$)')
GLUED_END = re.compile(r"(?<=[a-z0-9)\"”’])[.!?](?=[A-Z][a-z])|" + RUN_ON.pattern)

WORD = re.compile(r"[\w'’-]+", re.UNICODE)
POSSESSIVE = re.compile(r"['’]s?$")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "hundred": "100",
                "thousand": "1000", "million": "1000000", "billion": "1000000000", "first": "1", "second": "2",
                "third": "3", "half": "0.5", "dozen": "12"}
STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself now of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves said says say according told also would could may might
must shall one""".split())


def _glued_ends(body: str) -> Iterator[int]:
    """Where sentences run together end: after the full stop, or after the straight quotation mark
    that follows it where that mark closes a quotation ('"We will win."The crowd cheered.')."""
    quotes, counted = 0, 0
    for glued in GLUED_END.finditer(body):
        end = glued.end()
        quotes, counted = quotes + body.count('"', counted, end), end
        yield end + 1 if body.startswith('"', end) and quotes % 2 else end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace excluded, in order, never overlapping.

    Only blingfire's sentence *ends* are used: each sentence runs from the end of the one
    before to its own end, so every visible character belongs to exactly one sentence even
    where blingfire skips characters (control codes, stray marks) in its offsets.
    """
    spans: list[tuple[int, int]] = []
    for paragraph in PARAGRAPH.finditer(text):
        base, body = paragraph.start(), paragraph.group()
        _, offsets = blingfire.text_to_sentences_and_offsets(body)
        ends = sorted({min(end, len(body)) for _, end in offsets or []} | {len(body)} | set(_glued_ends(body)))
        cursor = 0
        for end in ends:
            # 'the right to self-determination. " The existence ...': the splitter ends the sentence
            # before the mark that closes its quotation, and the next one opens with it.
            closing = CLOSING_QUOTE.match(body, end)
            if closing and body.count('"', cursor, end) % 2:
                end = closing.end()
            if end <= cursor:
                continue
            start = cursor
            while start < end and body[start].isspace():
                start += 1
            stop = end
            while stop > start and body[stop - 1].isspace():
                stop -= 1
            if start < stop:
                spans.append((base + start, base + stop))
                cursor = end
    return spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def stem(word: str) -> str:
    """A crude stem (the first six letters) so 'monitoring' meets 'monitored'."""
    return word.lower().replace("’", "'")[:6]


def content_word_sequence(text: str) -> list[str]:
    """The stemmed content words of `text`, in reading order."""
    return [stem(w) for w in WORD.findall(text) if len(w) > 2 and w.lower() not in STOPWORDS and not w.isdigit()]


def content_words(text: str) -> set[str]:
    return set(content_word_sequence(text))


def in_order(words: list[str], within: list[str]) -> bool:
    """Whether `words` occur in `within` in the same order (a subsequence): "input ... output"
    is not in order within "output ... input"."""
    remaining = iter(within)
    return all(word in remaining for word in words)


def query_words(text: str) -> set[str]:
    """Lower-cased words of a query or passage, stop words removed, unstemmed."""
    return set(re.findall(r"\w+", text.lower())) - STOPWORDS


def numbers(text: str) -> set[str]:
    found = {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}
    found |= {NUMBER_WORDS[w.lower()] for w in WORD.findall(text) if w.lower() in NUMBER_WORDS}
    return found


def name_form(word: str) -> str:
    """'Alibaba’s' and 'Alibaba's' are the name 'alibaba'."""
    return POSSESSIVE.sub("", word.lower())


def name_forms(text: str) -> set[str]:
    return {name_form(w) for w in WORD.findall(text)}


# A site's plea or a photo caption written into the article's text: no headline, no summary. Also
# a sign-up box's lines wherever they stand (Insider's "Top editors give you the stories you want --
# delivered right to your inbox each weekday. Loading Something is loading. Thanks for signing up!").
PROMOTION = re.compile(
    r"^\W*(?:(?:editor['’]s note\W*)?(?:sign up|subscribe|send this page|click here|follow us|read more|also see|"
    r"download (?:the|our))\b|(?:get|explore)\b[^.]{0,80}\bnews\b|thanks? (?:you )?for (?:signing up|subscribing)\b)"
    r"|\bstories you want\b[^.]{0,40}\binbox\b|\bsomething is loading\b|^\W*access your favou?rite topics\b"
    r"|\bby clicking\W+sign up\b", re.IGNORECASE)
CAPTION = re.compile(r"^\W*FILE\b|^\W*\(?(?:(?:AP|Reuters|Getty) )?Photo\b|\bFile\)\W*$", re.IGNORECASE)
HEADLINE_WORDS = 4  # fewer is a dateline ("CNN --") or a fragment
HEADLINE_SCAN_CHARS = 3000  # the story starts within its opening, after any pleas and captions
# A desk's tag or a dateline before the story ("FIRST ON FOX: ...", "NEW YORK - ...", "(Reuters) -"),
# or a share prompt run into it, or both.
KICKER = re.compile(r"^(?:[A-Z][A-Z .,]{2,40}(?::|\s[-–—]{1,2})\s+|\([A-Z][\w .]{1,30}\)\s*[-–—]{1,2}\s*|"
                    r"[Ss]end this page to someone via email\s+){1,2}")


def past_kicker(text: str, start: int, end: int) -> int:
    """Where the story's first sentence, text[start:end], starts past a desk's tag or a dateline
    ("(Reuters) -Belgium's intelligence service ...", "FIRST ON FOX: ..."): end where it is
    nothing else."""
    kicker = KICKER.match(text[start:end] + " ")
    return start + min(kicker.end(), end - start) if kicker else start


# An archive photo's caption run into the story's sentence by the splitter, which reads its
# closing "Calif." as an abbreviation: "FILE Carlos Watson participates in a panel ..., in Beverly
# Hills, Calif. Watson, founder of Ozy Media, was arrested ...". The caption ends at its first full
# stop before a capital.
FILE_CAPTION = re.compile(r"\W*FILE\b.{0,400}?[.!?]\s+(?=[A-Z])", re.DOTALL)


# A picture's caption on a line of its own ("A still from CCTV footage shows the moment ...", "Image
# shows the body of ...", "The harrowing security footage shows how ..."): it describes a picture
# the reader is not shown. Within a paragraph, "Satellite images show troops massing" is reporting.
DEPICTION = re.compile(r"^\W*(?:(?:a|an|the|this|these)\s+)?(?:[\w-]+\s+){0,4}?(?:stills|footage|images?|pictures?|"
                       r"photos?|photographs?|videos?|screenshots?|screengrabs?)\s+(?:shows?|depicts?|captures?)\b",
                       re.IGNORECASE)
# A sentence ends with a full stop, a question or exclamation mark or an ellipsis (then any closing
# marks); a paragraph without one is a caption or a subheading ("Police shot Ezequias Souza Ribeiro
# dead on Wednesday after he went on the run"), unless it is an item of a list or a sentence ends
# within it.
SENTENCE_END = re.compile(r"[.!?…]['\"’”)\]]*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s")
# "... said on Thursday. </sentences>": a sentence that ends before what trails it on its line.
ENDS_WITHIN = re.compile(r"[.!?…]['\"’”)\]]*\s")


def is_caption(text: str, start: int, end: int) -> bool:
    """Whether the sentence at text[start:end] is a line of its own that describes a picture, or
    that does not end as a sentence does (a caption, a subheading)."""
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if not (after == len(text) or text[after] == "\n") or not (before == 0 or text[before - 1] == "\n"):
        return False
    sentence = text[start:end]
    return bool(DEPICTION.match(sentence)) or not (SENTENCE_END.search(sentence) or ENDS_WITHIN.search(sentence)
                                                   or LIST_ITEM.match(sentence))


def is_promotion(sentence: str) -> bool:
    return bool(PROMOTION.search(sentence))


# A sentence that opens by pointing back ("He died ...", "This comes after ...", "The move could
# cut ...", "The two Romanian women ...", "Six of their victims ...") leans on the one before it in
# its article: shown after another, it points at the wrong man or at nothing ("All that is set to
# change", "Shortly after, Ozy said ..."). So does one dated by another's time ("White, 52, was
# arrested in Sydney that year", the year of a reward the sentence before names): after "pleaded
# guilty on Feb. 23, 2023", it read as 2023.
POINTS_BACK = re.compile(r"^\W*(?:(?:\w+\s+){1,3}?of\s+(?=(?:his|her|their|its|these)\b))?"
                         r"(?:he|she|they|it|his|her|their|its|these|those|both(?!\s+\S+\s+and\b)|"
                         r"the\s+(?:move|two|three|four)(?!-)|"
                         r"(?:this|that)(?!\s+(?:year|week|month|morning|afternoon|evening|weekend)\b)|"
                         r"all\s+(?:that|this)|(?:shortly|soon|moments|hours|days|weeks|months|years)\s+"
                         r"(?:after|later|afterwards?)(?=\s*,))\b|"
                         r"^(?=.*?\b(?:that|the\s+same|the\s+following|the\s+previous|the\s+next)\s+"
                         r"(?:year|month|week|day|night|morning|afternoon|evening|weekend)\b)",
                         re.IGNORECASE)
# A sentence that goes on from one before it ("Edgar Ricardo de Oliveira also fled ...", "Another
# government entity is making a move ...", "Or so it seems", "The reason?") or a photo's caption ("Steve Johnson,
# right, and his wife arrive ...", "Lordstown Motors gave rides in prototypes ... on June 21, 2021
# as part of ...": a date with its year but not its weekday, as news agencies' captions give it,
# where their stories write "on Thursday, Feb. 23, 2023") is no story's lead.
# "Steve Johnson, right, and his wife Rosemarie arrive at ...": where someone stands in a picture.
_PICTURED = r",\s+(?:left|right|cent(?:er|re)|(?:second|third)\s+(?:from\s+)?(?:left|right)),"
PICTURED = re.compile(_PICTURED, re.IGNORECASE)
LEANS_ON_ANOTHER = re.compile(rf"^\W*(?:another|but|and|or|however|meanwhile)\b|^(?:\S+\s+){{1,5}}?also\b|{_PICTURED}|"
                              r"\bon\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s+\d{4}\b",
                              re.IGNORECASE)


# A feature's opening that sets a scene over years rather than telling the news ("For years, ...",
# "For decades, ...", "Imagine ..."); the news comes later, dated ("On February 23, ...", "... said
# Thursday").
FEATURE_OPENING = re.compile(r"^\W*(?:(?:for|over)\s+(?:many\s+)?(?:years|decades|generations|centuries)\b|"
                             r"imagine\b|picture\s+this\b|once\s+upon\b)", re.IGNORECASE)


def opening_sentences(text: str) -> list[str]:
    """The story's opening sentences that could lead it: not a plea to subscribe, not a caption,
    their desk's tag removed."""
    return [KICKER.sub("", sentence).strip() for sentence in sentences(text[:HEADLINE_SCAN_CHARS])
            if not (PROMOTION.search(sentence) and not KICKER.match(sentence)) and not CAPTION.search(sentence)
            and len(sentence.split()) >= HEADLINE_WORDS]


def headline_sentence(text: str) -> str | None:
    """The first opening sentence that reads as the story's lead (see `lead_among`)."""
    return lead_among(opening_sentences(text))


def lead_among(found: list[str]) -> str | None:
    """The first of a story's opening sentences that reads as its lead: not one that goes on from
    another, nor a caption or subheading after the first (no full stop: "Police shot Ezequias Souza
    Ribeiro dead on Wednesday after he went on the run" above "Police have killed a gunman who
    slaughtered seven"; first, such a line is the story's own headline); failing that, the first
    of them. A feature's scene-setting opening ("For years,
    journey times flying east from Israel depended on who you were flying with") gives way to the
    first sentence after it that dates its news ("On February 23, the Civil Aviation Authority of
    Oman announced ..."), where one does."""
    standing = [s for s in found if not POINTS_BACK.match(s) and not LEANS_ON_ANOTHER.search(s)
                and not s.rstrip("\"'”’) ").endswith("?") and (SENTENCE_END.search(s) or s is found[0])]
    lead = standing[0] if standing else (found[0] if found else None)
    if lead is not None and FEATURE_OPENING.match(lead):
        return next((s for s in standing if DATED_NEWS.search(s) and not FEATURE_OPENING.match(s)), lead)
    return lead


# Words that date a sentence by the day it ran: in a digest of undated stories, and in a headline
# read in a later week, "this month" or "on Thursday" would read as the reader's.
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "on Thursday morning", "arrested Thursday", "On Monday, police said": gone, a part of the day with
# its day or not at all ("on Thursday morning and confessed" stays whole, not "morning and"). "on Thursday, Feb. 23, 2023,": the date stays. "Cyber Monday", "Super
# Tuesday's vote", "early Sunday", "by Friday", "on Monday and Tuesday", "The Sunday Times", "The
# Mail on Sunday": they stay. So does "As of Tuesday, none of the four detainees has been formally
# charged": without its day, where the accused stood that week read as where they stand now.
WEEKDAY = re.compile(rf"(?<!\w)(?P<before>\w{{0,40}})(?P<on>\s+on)?\s+{_WEEKDAY}{_PART_OF_DAY}+\b(?!['’])"
                     rf"(?!,?\s+{_MONTH}\s+\d)(?!,?\s+(?:and|or|to|through|until)\b|\s+[A-Z])(?P<comma>,)?")
KEPT_AFTER = frozenset("""early late since by until till before after from next last this every cyber super good black
easter ash palm holy blue bloody giving and or between through to of""".split())


def _relative(units: str) -> str:
    return rf"(?:(?:earlier|later)\s+)?(?:this|last|next)\s+(?:{units})"


# "..., Ohio this month,", "yesterday"; not "this month's budget", not "USA Today", and not where
# other words need it ("rose 10% from last month"). A year stays in a story: "transferred ... last
# year" and "to the UK later this year" place the news before or after its article (an editor
# missed both), where a week or a month only dates it; a headline leaves it to its story.
RELATIVE_TIME = re.compile(rf"(?P<before>\S{{0,20}}),?\s+(?:(?i:{_relative('week|month|weekend')})|yesterday|today"
                           rf"|tonight)\b(?!['’])")
RELATIVE_YEAR = re.compile(rf"(?P<before>\S{{0,20}}),?\s+(?i:{_relative('year')})\b(?!['’])")
NEEDS_ITS_TIME = frozenset("from since than of until till by to with compared versus".split())
OPENING_RELATIVE_TIME = re.compile(rf"^{_relative('week|month|weekend')}\b(?!['’]),?\s+(?=\w)", re.IGNORECASE)
OPENING_RELATIVE_YEAR = re.compile(rf"^{_relative('year')}\b(?!['’]),?\s+(?=\w)", re.IGNORECASE)
# "The telescope just peered into ...": "just" as "a moment ago"; not "not just used", "only just passed".
JUST_NOW = re.compile(r"(?<!\bnot)(?<!\bonly)\s+just(?=\s+[a-z]+ed\b)")
# "The EU has now banned ...", "Detectives are now hunting ...": "now" as "by the day it ran",
# before a word ending as a participle does (a lexical rule: "is now seven" keeps it); never in
# someone's quoted words, which are theirs as they said them.
NOW_BEFORE_VERB = re.compile(r'["“][^"“”]*["”]|\b(has|have|had|is|are|was|were)\s+now\s+(?=[a-z]+(?:ed|ing)\b)')
# A sentence that dates its news by the day: "on Thursday", "On February 23,", "Feb. 23, 2023".
DATED_NEWS = re.compile(rf"\b(?:{_WEEKDAY}|{_MONTH}\s+\d{{1,2}}(?!\d))\b")
# "The draft guidance, released Wednesday, is ...": an aside that only dates what it follows goes
# whole (without its day, it would be a bare "released,").
DATED_ASIDE = re.compile(rf",\s+[a-z]{{1,30}}ed\s+(?:on\s+)?{_WEEKDAY}{_PART_OF_DAY},(?=\s)")
WEEKDAY_BEFORE_DATE = re.compile(rf"\b{_WEEKDAY},?\s+(?={_MONTH}\s+\d)")


# "around 4,000 reais (PS640)": an amount's conversion in brackets tells a reader nothing the amount
# does not, and the Daily Mail's feed spells "£" as "PS", which reads as a typo.
CONVERTED_AMOUNT = re.compile(r"(?P<amount>(?<![\d,.])\d[\d,.]*(?:\s?(?:m|bn|k|million|billion|trillion))?(?:\s+[a-z]+)?)"
                              r"\s+\((?:US\s?)?(?:PS|£|\$|€|¥|Rs\.?\s?)\d[\d,.]*\s?(?:m|bn|k|million|billion|trillion)?\)")


def without_converted_amounts(sentence: str) -> str:
    return CONVERTED_AMOUNT.sub(r"\g<amount>", sentence)


def timeless(sentence: str, *, yearless: bool = False) -> str:
    """The sentence without the words that date it by the day it ran ("on Thursday", "this month",
    "just", "has now"), and where `yearless` (a headline) by its year ("last year"): what it says
    is unchanged, but not when, which only its article's date could tell."""
    without = DATED_ASIDE.sub("", sentence)
    without = WEEKDAY_BEFORE_DATE.sub("", WEEKDAY.sub(_without_weekday, without))
    without = RELATIVE_TIME.sub(_without_relative_time, without)
    if yearless:
        without = OPENING_RELATIVE_YEAR.sub("", RELATIVE_YEAR.sub(_without_relative_time, without).lstrip())
    without = NOW_BEFORE_VERB.sub(_without_now, without)
    without = OPENING_RELATIVE_TIME.sub("", JUST_NOW.sub("", without).lstrip())
    return without[:1].upper() + without[1:] if sentence[:1].isupper() else without


def _without_now(found: re.Match[str]) -> str:
    return found.group(1) + " " if found.group(1) else found.group()  # else a quotation, passed over whole


def _without_weekday(found: re.Match[str]) -> str:
    before, on, comma = found.group("before"), found.group("on"), found.group("comma") or ""
    if before.lower() == "on" and not on and found.start() == 0:  # "On Monday, police said": it opens after
        return ""
    kept = (before.lower() in KEPT_AFTER and not on) or (before == "Mail" and on)  # "The Mail on Sunday"
    return found.group() if kept else before + comma


def _without_relative_time(found: re.Match[str]) -> str:
    before = found.group("before")
    if found.start() == 0 and before.lower() in {"earlier", "later"}:  # "Later this year Apple will ...": all of it
        return ""
    needed = before.lower() in NEEDS_ITS_TIME or before.endswith("%") or before[-1:].isdigit()
    return found.group() if needed else before


def names(text: str) -> set[str]:
    """Capitalised words that do not open a sentence: people, places, organisations."""
    found = set()
    for start, end in sentence_spans(text):
        words = WORD.findall(text[start:end])
        found |= {name_form(w) for w in words[1:] if w[:1].isupper() and w.lower() not in STOPWORDS}
    return found


# Capitalised words joined by the small words names contain ("First for Women", "Bank of England").
_NAME_WORD = r"[A-Z][\w'’.-]*"
_NAME_JOIN = r"\s+(?:(?:of|for|the|and|de|van|von|da|del|la|le)\s+)?"
NAME = re.compile(rf"{_NAME_WORD}(?:{_NAME_JOIN}{_NAME_WORD})*")
# Searched through whole texts, its words are bounded: unbounded, every capital of a long run
# ("AAAA...") would start a scan to the run's end. Possessive: no word gives back characters.
_SHORT_NAME_WORD = r"[A-Z][\w'’.-]{0,40}+"
NAME_PHRASE = re.compile(rf"{_SHORT_NAME_WORD}(?:{_NAME_JOIN}{_SHORT_NAME_WORD})+")
# What a text writes before a name without making it another one ("President Obama" is Obama).
TITLES = frozenset("""mr mrs ms miss dr sir dame lady lord president senator governor mayor minister prime chancellor
secretary judge justice king queen prince princess pope captain coach professor prof rev bishop chairman chief ceo
rep sen gov""".split())
# "U.S.": initials with full stops
DOTTED_INITIALS = re.compile(r"\b(?:[A-Z]\.){2,}")
NAME_RUN = re.compile(rf"{_SHORT_NAME_WORD}(?:{_NAME_JOIN}{_SHORT_NAME_WORD})*")


def name_phrases(text: str) -> set[str]:
    """Names of two or more words ("Dua Lipa", "Royal Commission"), lower-cased, without a leading
    stop word ("The Simpsons" is "simpsons" only if another capitalised word follows)."""
    found = set()
    for match in NAME_PHRASE.finditer(text):
        words = [POSSESSIVE.sub("", w) for w in match.group().split()]
        while words and words[0].lower() in STOPWORDS:
            words.pop(0)
        if len(words) >= 2:
            found.add(" ".join(words).lower())
    return found


# `!` needs no escape: an image needs `![`, and `[` is escaped (an escaped `!` would also split a
# sentence's final `!` from the citation markers put before it).
MARKDOWN_SYNTAX = re.compile(r"[\\<>\[\]`*_]")


def markdown_escaped(text: str) -> str:
    """`text` for a reader that renders Markdown: HTML, links, images, code and emphasis show as
    the characters they are."""
    return MARKDOWN_SYNTAX.sub(lambda m: "\\" + m.group(), text)


# Characters a URL keeps in Markdown; the rest (spaces, parentheses, angle brackets, line breaks)
# are percent-encoded, so that no URL can close a link target or an autolink, or start Markdown
# of its own.
MARKDOWN_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


def markdown_url(url: str) -> str:
    return quote(url.strip(), safe=MARKDOWN_URL_SAFE)
