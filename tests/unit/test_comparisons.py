"""Who was born first: the quotes' years decide, not the judge's reading."""

import pytest

from service.checker.comparisons import contradicted_order
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


def test_a_wrong_comparison_is_unsupported_however_lenient_the_judge():
    numbered = passages(("directors", [DIRECTORS]))
    [wrong, right] = verify([DraftSentence("Neil LaBute was born first.", [1]),
                             DraftSentence("Humberstone was born first.", [1])], numbered, SupportingChecker())
    assert not wrong.supported and right.supported
