"""Which came first, decided from the years the passages give each option (HaluEval QA passages,
MIT)."""

from datetime import datetime, timezone

from service.context import Passage
from service.ordering import order_draft
from service.records import Article
from service.text import sentence_spans

BANDS = ("Courtney Michelle Love (born Courtney Michelle Harrison; July 9, 1964) is an American singer. She rose to "
         "prominence as the frontwoman of the alternative rock band Hole, which she formed in 1989. The Wolfhounds "
         "are an indie pop/noise pop band formed in Romford, UK in 1985 by Dave Callahan, and originally active "
         "until 1990.")
DIRECTORS = ("Neil LaBute (born March 19, 1963) is an American playwright and film director. Bruce \"Lucky\" "
             "Humberstone (November 18, 1901 – October 11, 1984) was a movie actor and a director.")


def passages(text: str) -> list[Passage]:
    article = Article(id="a", title="t", text=text, content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))
    return [Passage(n=i + 1, article=article, chunk_id="a#0", start=start, end=end, relevance=0.0)
            for i, (start, end) in enumerate(sentence_spans(text))]


def test_the_earlier_year_answers_which_came_first_citing_both_options():
    draft = order_draft("Which band was founded first, Hole, the rock band that Courtney Love was a frontwoman of, "
                        "or The Wolfhounds?", passages(BANDS))
    assert draft.text == "The Wolfhounds was founded in 1985 and Hole in 1989, so The Wolfhounds was founded first."
    assert draft.citations == [2, 3]
    draft = order_draft("Which band was founded last, Hole or The Wolfhounds?", passages(BANDS))
    assert draft.text.startswith("Hole was founded in 1989 and The Wolfhounds in 1985, so Hole was founded last")
    draft = order_draft("Which bands were founded first, Hole or The Wolfhounds?", passages(BANDS))
    assert draft.text == "The Wolfhounds were founded in 1985 and Hole in 1989, so The Wolfhounds were founded first."


def test_ages_are_compared_by_the_year_after_each_name():
    draft = order_draft("Who was born first Neil LaBute or H. Bruce Humberstone?", passages(DIRECTORS))
    assert draft.text == ("H. Bruce Humberstone was born in 1901 and Neil LaBute in 1963, so H. Bruce Humberstone was "
                          "born first.")
    assert order_draft("Who is younger Neil LaBute or H. Bruce Humberstone?", passages(DIRECTORS)).text == (
        "Neil LaBute was born in 1963 and H. Bruce Humberstone in 1901, so Neil LaBute is younger.")


def test_without_a_year_for_each_option_the_model_answers_alone():
    magazines = passages("Arthur's Magazine (1844–1846) was an American literary periodical. First for Women is a "
                         "woman's magazine published by Bauer Media Group in the USA.")
    assert order_draft("Which magazine was started first Arthur's Magazine or First for Women?", magazines) is None
    assert order_draft("Who founded Hole?", passages(BANDS)) is None
    assert order_draft("Which band was founded first, Hole or Hole?", passages(BANDS)) is None
    # "Hole" inside "Whole" is not the band
    assert order_draft("Which band was founded first, Hole or The Wolfhounds?",
                       passages("Whole Foods opened in 1980. The Wolfhounds formed in 1985.")) is None


def test_another_name_a_year_of_ending_or_a_third_option_decide_nothing():
    # Howard Hughes is not Glenn Hughes; "the 1997 film" is no birth; Hole in the Black Hole of Calcutta
    assert order_draft("Who is older Glenn Hughes or Ross Lynch?", passages(
        "Howard Hughes (born December 24, 1905) was an aviator. Ross Shor Lynch (born December 29, 1995) is an "
        "American singer.")) is None
    assert order_draft("Who was born first, Ross Lynch or Neil LaBute?", passages(
        "Ross Lynch (born December 29, 1995) is a singer. Neil LaBute directed the 1997 film In the Company of Men."
    )) is None
    assert order_draft("Which was founded first, Hole or The Wolfhounds?", passages(
        "The Black Hole of Calcutta (1756) was a dungeon. The Wolfhounds are a band formed in Romford in 1985.")) is None
    assert order_draft("Which band was founded first, Hole, The Wolfhounds or Nirvana?", passages(BANDS)) is None
    # only beginnings are compared
    assert order_draft("Which magazine was discontinued first, Arthur's Magazine or The Dial?", passages(
        "Arthur's Magazine (1844–1846) was a periodical. The Dial (1840–1929) was a magazine.")) is None


def test_a_work_is_dated_by_its_year_as_reference_texts_write_it():
    films = passages('The Hunchback of Notre Dame is a 1996 American animated film. Saludos Amigos (Spanish for '
                     '"Greetings, Friends") is a 1942 American live-action animated package film.')
    assert order_draft("Which movie was released first, The Hunchback of Notre Dame or Saludos Amigos?",
                       films).text == ("Saludos Amigos was released in 1942 and The Hunchback of Notre Dame in 1996, "
                                       "so Saludos Amigos was released first.")
