"""Who was born first, and what caused what: the quotes' words decide, not the judge's reading."""

import pytest

from service.checker.comparisons import (added_cause, contradicted_order, dated_as_another, lifespan_as_birth,
                                         shared_by_one, widened_part)
from service.citations import DraftSentence
from service.verify import verify
from tests.unit.test_specifics import SupportingChecker, passages

DIRECTORS = ('Neil N. LaBute (born March 19, 1963) is an American film director and playwright.H. Bruce "Lucky" '
             "Humberstone (November 18, 1901 – October 11, 1984) was a movie actor and a director.")
PLAYERS = ["Kim Antonie Lode Clijsters (] ; born 8 June 1983) is a Belgian former professional tennis player.",
           "Mary Pierce (born 15 January 1975) is a French retired tennis professional."]


@pytest.mark.parametrize("sentence, quotes, contradicted", [
    ("Neil LaBute was born first.", [DIRECTORS], True),
    ("Humberstone was born first.", [DIRECTORS], False),
    ("Neil LaBute is older than Humberstone.", [DIRECTORS], True),
    ("Neil LaBute was born after Humberstone.", [DIRECTORS], False),
    ("Kim Clijsters is older.", PLAYERS, True),
    ("Mary Pierce is the older of the two.", PLAYERS, False),
    ("Mary Pierce is older than Kim Clijsters.", PLAYERS[1:], False),  # one year: nothing to compare
    ("Neil LaBute is an American playwright.", [DIRECTORS], False),  # no comparison
])
def test_a_comparison_of_age_follows_the_quotes_years(sentence, quotes, contradicted):
    assert contradicted_order(sentence, quotes) == contradicted


def test_the_others_years_come_from_the_other_passages_where_the_quotes_give_only_the_subjects():
    labute, humberstone = DIRECTORS.split("playwright.")
    assert not contradicted_order("Neil LaBute was born first.", [labute + "playwright."])
    assert contradicted_order("Neil LaBute was born first.", [labute + "playwright."], [humberstone])
    assert not contradicted_order("Humberstone was born first.", [humberstone], [labute + "playwright."])
    numbered = passages(("labute", [labute + "playwright."]), ("humberstone", [humberstone]))
    [wrong] = verify([DraftSentence("Neil LaBute was born first: he is a playwright.", [1])], numbered,
                     SupportingChecker())
    assert not wrong.supported


def test_a_wrong_comparison_is_unsupported_however_lenient_the_judge():
    numbered = passages(("directors", [DIRECTORS]))
    [wrong, right] = verify([DraftSentence("Neil LaBute was born first.", [1]),
                             DraftSentence("Humberstone was born first.", [1])], numbered, SupportingChecker())
    assert not wrong.supported and right.supported


QOM = ["Students complained of an unknown or unpleasant smell before they fell ill.",
       "Some parents suspect the girls were deliberately poisoned."]
TATE = ("The Associated Press reported that a spokesperson from Romania's anti-organized crime agency DIICOT, "
        "Romona Bolla, said the court approved the extension.")
POILIEVRE = ("Poilievre shut down his TikTok account following the news that the federal government is banning "
             "the app on government-issued phones.")


@pytest.mark.parametrize("sentence, quotes, added", [
    ("The schoolgirls fell sick because of an unknown or unpleasant smell.", QOM, True),
    ("The court's decision was based on reports from DIICOT, Romona Bolla said.", [TATE], True),
    ("Poilievre shut down his account because the government is banning the app.", [POILIEVRE], True),
    ("Poilievre shut down his account after the government said it is banning the app.", [POILIEVRE], False),
    # a cause its quote states, in other words
    ("The line closed because of the storm.", ["The storm caused the line to close."], False),
    ("The plant shut due to a fire.", ["The plant shut as a result of a fire."], False),
    ("The girls fell sick.", QOM, False),  # no cause stated
    ("The trial is due to begin on Monday.", ["The trial starts on Monday."], False),  # a schedule, not a cause
    ("The crew was led to safety.", ["Firefighters guided the crew out."], False),
    ("The storm triggered outages.", ["Outages followed the storm."], True),
    ("The line closed due to the storm.", ["The line has been closed since the storm."], True),
])
def test_a_cause_stands_only_where_a_quote_states_one(sentence, quotes, added):
    assert added_cause(sentence, quotes) == added


@pytest.mark.parametrize("sentence, quotes, widened", [
    ("The victims were executed from mere feet away.",
     ["Six of their victims died at the scene, having been executed from mere feet away."], True),
    ("The detainees have been formally charged.", ["None of the four detainees has been formally charged."], True),
    ("Most residents were evacuated.", ["Most of the residents were evacuated."], False),
    ("6 victims were executed.", ["Six of their victims were executed."], False),
    ("Six of their victims died at the scene.", ["Six of their victims died at the scene."], False),
    ("The residents were evacuated.", ["All of the residents were evacuated."], False),
    ("The gunman fled.", ["Six of their victims died at the scene."], False),
    ("The mayor is in Paris.", ["Half of the city is flooded, and the mayor is in Paris."], False),
])
def test_a_part_is_not_told_as_the_whole(sentence, quotes, widened):
    assert widened_part(sentence, quotes) == widened


def test_a_sentence_that_adds_a_cause_gives_way_to_its_quote():
    numbered = passages(("qom", QOM[:1]))
    [checked] = verify([DraftSentence("The girls fell ill because of an unpleasant smell.", [1])], numbered,
                       SupportingChecker())
    assert checked.supported and checked.text == QOM[0]


@pytest.mark.parametrize("sentence, span", [
    ("Francis Nethersole was born in 1587–1659.", True),
    ("She was born 12 May 1820 - 13 August 1910.", True),
    ("Francis Nethersole was born in 1587.", False),
    ("He was born in 1587 and died in 1659.", False),
])
def test_a_span_of_years_is_not_a_birth(sentence, span):
    assert lifespan_as_birth(sentence) == span


def test_a_lifespan_given_as_a_birth_is_unsupported_however_lenient_the_judge():
    numbered = passages(("nethersole", ["Sir Francis Nethersole (1587–1659) was an English diplomat."]))
    [checked] = verify([DraftSentence("Francis Nethersole was born in 1587–1659.", [1])], numbered, SupportingChecker())
    assert not checked.supported


BANDS = ["The New Pornographers are a Canadian indie rock band formed in 1997 in Vancouver.",
         "Kings of Leon is an American rock band that formed in Nashville in 1999."]
MATHEMATICIANS = ["Pavel Urysohn was a Soviet mathematician of Jewish origin, known for dimension theory."]
# A "both" in the quote about something else: the two theorems, not the two men.
THEOREMS = ["Pavel Urysohn was a Soviet mathematician of Jewish origin, known for Urysohn's Lemma and Urysohn's "
            "Metrization Theorem, both of which are fundamental results in topology."]


@pytest.mark.parametrize("sentence, quotes, by_one", [
    ("Yes, both The New Pornographers and Kings of Leon are American rock bands.", BANDS, True),
    ("Both The New Pornographers and Kings of Leon are rock bands.", BANDS, False),  # each quote says it
    ("Both were Soviet mathematicians of Jewish origin.", MATHEMATICIANS, True),  # one man's quote
    ("Both men were Soviet mathematicians.", ["Both men were Soviet mathematicians."], False),  # said of both
    ("Both were Soviet mathematicians who made contributions to topology.", THEOREMS, True),
    ("Kings of Leon is an American rock band.", BANDS, False),  # nothing said to be shared
])
def test_what_two_things_share_two_quotes_must_say(sentence, quotes, by_one):
    assert shared_by_one(sentence, quotes) == by_one


def test_a_shared_trait_only_one_quote_gives_is_unsupported_however_lenient_the_judge():
    numbered = passages(("bands", BANDS))
    sentence = "Yes, both The New Pornographers and Kings of Leon are American rock bands."
    [checked] = verify([DraftSentence(sentence, [1, 2])], numbered, SupportingChecker())
    assert not checked.supported


WYNETTE = ("Tammy Wynette (born Virginia Wynette Pugh; May 5, 1942 – April 6, 1998) was an American country "
           "music singer-songwriter.")


@pytest.mark.parametrize("sentence, another", [
    ('George Jones (born May 5, 1942) sang a duet with his ex-wife Tammy Wynette.', True),
    ('Tammy Wynette (born May 5, 1942) sang a duet with her ex-husband George Jones.', False),
    ('Wynette (1942-1998) sang a duet with George Jones.', False),
    ('George Jones sang a duet with his ex-wife Tammy Wynette in 1976.', False),  # no year after a name
])
def test_a_year_a_quote_gives_one_name_is_not_given_to_another(sentence, another):
    assert dated_as_another(sentence, ['"The Battle" is a song by George Jones.', WYNETTE]) == another


def test_a_sentence_that_tells_a_part_as_the_whole_gives_way_to_its_quote():
    quote = "Six of their victims died at the scene, having been executed from mere feet away."
    [checked] = verify([DraftSentence("The victims were executed from mere feet away.", [1])],
                       passages(("sinop", [quote])), SupportingChecker())
    assert checked.supported and checked.text == quote
