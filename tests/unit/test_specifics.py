"""Names and figures a sentence states must be shown by the quotes it cites: pairs from the
summaries a reader judged, and verify() citing the sentences that show them."""

from datetime import datetime, timezone

import pytest

from service.checker import Evidence, Verdict
from service.checker.specifics import changed_form, changed_persons, uncovered_specifics
from service.citations import DraftSentence
from service.context import Passage
from service.records import Article
from service.verify import verify

DOMINOS = ("The boss of pizza giant Domino's has admitted the company failed to get the balance right when it "
           "upped delivery prices to counter inflation.")
MINE = "Inner Mongolia is a key region for mining coal and other minerals in China."


@pytest.mark.parametrize("sentence, quotes, uncovered", [
    # a name the quote does not give: resolved from elsewhere, or invented
    ("Domino's boss Don Meij admitted the company failed to get the balance right.", [DOMINOS], {"meij"}),
    ("The mine in Inner Mongolia collapsed on Wednesday.", [MINE], {"wednesday"}),
    # a first name that opens the sentence is a name too; a title or a lone opening word is not
    ("Carlos Watson, founder of Ozy Media, was arrested.", ["Watson, founder of Ozy Media, was arrested."],
     {"carlos"}),
    ("Mr Watson, founder of Ozy Media, was arrested.", ["Watson, founder of Ozy Media, was arrested."], set()),
    ("Police arrested Watson.", ["Watson was arrested."], set()),
    ("Many Ukrainians fled the city.", ["Thousands of Ukrainians fled the city."], set()),
    ("Three Britons were arrested.", ["3 Britons were arrested."], set()),
    ("Inner Mongolia has 40 mines.", [MINE], {"40"}),
    ("Three miners died in Inner Mongolia.", [MINE, "Two miners died."], {"3"}),
    # the same name or figure in another form is shown
    ("Mining in Inner Mongolia harms the Chinese landscape.", [MINE], set()),
    ("The FDA warned that 1,500 residents, two of them children, were evacuated.",
     ["The Food and Drug Administration warned that 1500 residents were evacuated; 2 were children."], set()),
    ("Schoolgirls in the Iranian city of Qom fell ill.", ["Schoolgirls in Iran's holy city of Qom fell ill."], set()),
    # an acronym is shown in capitals only, or spelt out
    ("The WHO said five deaths were reported.", ["Five deaths have been reported by doctors who saw them."], {"WHO"}),
    ("The WHO said five deaths were reported.", ["The World Health Organization said five deaths were reported."],
     set()),
    ("COVID vaccine sales fell.", ["Covid vaccine sales fell."], set()),
    # loose number words are no figures
    ("It is one of the largest mines, the first to close.", [MINE], set()),
    ("The WHO's experts met US officials.", ["Experts of the World Health Organization met U.S. officials."], set()),
    ("The WHO's experts met.", ["Experts met, and a doctor who saw them said so."], {"WHO"}),
    # another name that merely shares a prefix is not shown
    ("Boris Johnson met the market.", ["Boris met John at the market."], {"johnson"}),
    ("A mine in Niger is a key market.", ["A mine in Nigeria is a key market."], {"niger"}),
    ("Binance moved funds to Austria.", ["Binance moved funds to Australia."], {"austria"}),
])
def test_uncovered_specifics(sentence, quotes, uncovered):
    assert uncovered_specifics(sentence, quotes) == uncovered


class SupportingChecker:
    """Supports every claim against whatever it is shown, as a lenient judge may."""

    class calibration:
        threshold = 0.5

    def check(self, claim, sources):
        evidence = [Evidence(claim_sentence=claim, passage=0, start=0, end=len(sources[0]), quote=sources[0])]
        return Verdict(probability=0.9, label="supported", decided_by="judge", evidence=evidence, signals={})


def passages(*articles: tuple[str, list[str]]) -> list[Passage]:
    numbered = []
    for article_id, sentences in articles:
        text = " ".join(sentences)
        source = Article(id=article_id, title=article_id, text=text, content_hash="0" * 64,
                         ingested_at=datetime.now(timezone.utc))
        for sentence in sentences:
            start = text.index(sentence)
            numbered.append(Passage(n=len(numbered) + 1, article=source, chunk_id="c", start=start,
                                    end=start + len(sentence), relevance=0.0))
    return numbered


MINE_ARTICLE = ("mine", ["An open pit mine collapsed in Inner Mongolia on Wednesday.", MINE,
                         "Rescuers searched for 47 missing people."])
OTHER_ARTICLE = ("storm", ["A storm hit the coast on Friday."])


@pytest.mark.parametrize("sentence, cited, supported, citations", [
    # the article shows the day in another sentence: that sentence is cited besides
    ("The mine in Inner Mongolia, a key mining region, collapsed on Wednesday.", [2], True, [2, 1]),
    ("Rescuers in Inner Mongolia searched for 47 people.", [3], True, [3, 1]),
    # a day no sentence of the article shows: unsupported, however lenient the checker
    ("The mine in Inner Mongolia collapsed on Tuesday.", [2], False, [2]),
    # another article's sentence shows it, but would join two stories into one sentence
    ("Inner Mongolia, a key mining region, was hit on Friday.", [2], False, [2]),
    # nothing is missing: the citations stay as they are
    ("Inner Mongolia is a key region for mining coal.", [2], True, [2]),
])
def test_verify_cites_the_sentences_that_show_a_sentences_names_and_figures(sentence, cited, supported, citations):
    [checked] = verify([DraftSentence(sentence, cited)], passages(MINE_ARTICLE, OTHER_ARTICLE), SupportingChecker())
    assert (checked.supported, checked.citations) == (supported, citations)


COURT = ("court", ["Scott White was convicted of the murder of Scott Johnson.",
                   "The conviction was overturned on appeal in November.",
                   "The existence of a massive flag outside his embassy will serve to remind him of that.\"",
                   "On Jan. 20, a judge ordered to keep the Tates behind bars."])


@pytest.mark.parametrize("sentence, cited, max_new_words, shown", [
    # the quote shortened, its words in its order: shown as written
    ("Inner Mongolia is a key region for mining coal in China.", [2], 1, "sentence"),
    ("The collapse occurred in Inner Mongolia, a key region for mining coal.", [2], 2, "sentence"),
    ("The collapse occurred in Inner Mongolia, a key region for mining coal.", [2], None, "sentence"),
    ("Scott White was convicted of the murder of Scott Johnson.", [1], 1, "sentence"),
    ("Overturned on appeal in November, Scott White's conviction for the murder of Scott Johnson.", [1, 2], 1,
     "sentence"),  # two quotes, drawn on in either order
    # words of its own, or the quote's words rearranged to say another thing: its quote stands in its place
    ("Inner Mongolia is a key region for mining in China, a new report says.", [2], 1, "quote"),
    ("The collapse occurred in Inner Mongolia, a key region for mining coal.", [2], 1, "quote"),
    ("Scott Johnson was convicted of the murder of Scott White.", [1], 1, "quote"),
    ("Inner Mongolia is a key region for mining coals in China.", [2], 1, "quote"),  # one coal is not many
    # a word of its own may add to the quote, not stand in for what it says: the act is the judge's
    ("Scott White was later convicted of the murder of Scott Johnson.", [1], 1, "sentence"),
    ("A judge ordered to keep the Tates behind bars.", [4], 1, "sentence"),
    ("The court ordered to keep the Tates behind bars.", [4], 1, "quote"),
    # unless the quote is someone's words that do not say whose
    ("A massive flag outside the embassy is a reminder to him of that.", [3], 1, "unsupported"),
])
def test_a_summary_sentence_shortens_its_quotes(sentence, cited, max_new_words, shown):
    numbered = passages(MINE_ARTICLE if cited == [2] else COURT)
    [checked] = verify([DraftSentence(sentence, cited)], numbered, SupportingChecker(), max_new_words=max_new_words)
    quote = next(p.text for p in numbered if p.n == cited[0])
    assert shown == ("unsupported" if not checked.supported else "quote" if checked.text == quote != sentence
                     else "sentence")


class EvidenceFreeChecker(SupportingChecker):
    """Supports every claim but aligns it with no source sentence."""

    def check(self, claim, sources):
        return Verdict(probability=0.9, label="supported", decided_by="judge", evidence=[], signals={})


@pytest.mark.parametrize("max_new_words", [None, 1])
def test_a_sentence_no_quote_shows_is_not_supported(max_new_words):
    [checked] = verify([DraftSentence("The mine collapsed after heavy rains.", [])], passages(MINE_ARTICLE),
                       EvidenceFreeChecker(), max_new_words=max_new_words)
    assert not checked.supported and checked.citations == []


@pytest.mark.parametrize("sentence, quote, changed", [
    ("They were found dead in the flat.", "He was found dead in the flat on Monday.", True),
    ("She was found dead in the flat.", "He was found dead in the flat on Monday.", True),
    ("He was found dead in the flat.", "He was found dead in the flat on Monday.", False),
    ("He was found dead in the flat.", "Mr Smith was found dead in the flat on Monday.", False),  # no pronoun shown
    ("They told him to leave.", "The guards told him that they wanted him to leave.", False),
    ("They’re found dead in the flat.", "He's found dead in the flat on Monday.", True),  # contractions
])
def test_a_sentence_calls_people_what_its_quotes_call_them(sentence, quote, changed):
    assert changed_persons(sentence, [quote]) == changed


def test_a_sentence_that_changes_a_persons_pronoun_gives_way_to_its_quote():
    article = ("flat", ["Police were called to the flat on Monday.", "He was found dead in the flat on Monday."])
    [checked] = verify([DraftSentence("They were found dead in the flat on Monday.", [2])], passages(article),
                       SupportingChecker())
    assert checked.supported and checked.text == "He was found dead in the flat on Monday."


class TogetherChecker(SupportingChecker):
    """Supports a claim only against several sources, as a judge may that is unsure of one."""

    def check(self, claim, sources):
        verdict = super().check(claim, sources)
        return verdict if len(sources) > 1 else Verdict(probability=0.1, label="unsupported", decided_by="judge",
                                                        evidence=[], signals={})


def test_a_sentence_that_copies_one_of_its_quotes_cites_that_quote_alone():
    numbered = passages(MINE_ARTICLE)
    [checked] = verify([DraftSentence("Rescuers searched for 47 missing people.", [1, 3, 2])], numbered,
                       TogetherChecker())
    assert checked.supported and checked.citations == [3]


@pytest.mark.parametrize("sentence, quote, changed", [
    ("The transfer went to hedge funds.", "The transfers went to hedge funds.", True),
    ("The transfers went to a hedge fund.", "The transfers went to hedge funds.", True),
    ("The boss resigned.", "The bosses resigned.", True),
    ("The transfers went to hedge funds.", "The transfers went to hedge funds.", False),
    ("The payments included fees.", "The payments include fees.", True),  # a tense
    ("The payments include fees.", "The payments include fees.", False),
])
def test_a_word_keeps_the_number_and_tense_its_quote_gives_it(sentence, quote, changed):
    assert changed_form(sentence, [quote]) == changed
