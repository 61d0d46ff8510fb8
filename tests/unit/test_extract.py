import json

import pytest

from service.records import ArticleFields
from service.ingest.extract import ExtractionError, decode_body, from_html, from_page_text, from_text
from tests.conftest import TEST_DATA


def test_seed_page_comes_out_as_the_article_alone():
    page = (TEST_DATA / "seed_page.txt").read_text()
    clean = json.loads((TEST_DATA / "seed_article.json").read_text())
    extracted = from_page_text(page, ArticleFields())
    assert extracted.text == clean["text"]
    for furniture in ("Support Our Journalism", "LEAVE A REPLY", "Please enter", "Most Popular", "Disclaimer"):
        assert furniture not in extracted.text
    assert extracted.title.startswith("Belgian intelligence service monitors Alibaba hub")


def test_page_trimming_never_cuts_the_middle_of_the_story():
    page = ("Home | World | Business\nSubscribe to our newsletter\n"
            "The council approved the bridge on Tuesday after a long debate in the chamber.\n"
            "Click here.\n"
            "Construction starts in spring and will cost 12 million euros, officials said.\n"
            "Most Popular\nLeave a reply")
    text = from_page_text(page, ArticleFields()).text
    assert text.startswith("The council approved") and text.endswith("officials said.")
    assert "Click here." in text


def test_plain_text_is_kept_as_given_with_whitespace_normalised():
    extracted = from_text("  First line of the story here today.\r\n\r\n\r\nSecond   paragraph.  ", ArticleFields())
    assert extracted.text == "First line of the story here today.\n\nSecond paragraph."
    assert extracted.title == "First line of the story here today."


@pytest.mark.parametrize("body, reason", [
    ("", "empty"),
    ("   \n\n  ", "empty"),
    ("Home\nNews\nSubscribe now\nMost Popular", "no article sentence"),
    ("Subscribe to our newsletter for the latest news and offers every day.", "no article sentence"),
])
def test_empty_or_boilerplate_text_is_refused(body, reason):
    with pytest.raises(ExtractionError, match=reason):
        from_text(body, ArticleFields())


def test_binary_and_non_utf8_bodies_are_refused():
    with pytest.raises(ExtractionError, match="binary"):
        decode_body(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ExtractionError, match="UTF-8"):
        decode_body("Café au lait, s'il vous plaît.".encode("latin-1"))
    assert decode_body("Ça marche.".encode("latin-1"), "iso-8859-1") == "Ça marche."


def test_html_gives_text_and_metadata_without_boilerplate():
    page = """<html><head><title>Bridge vote - City News</title>
    <meta name="author" content="Jane Doe"><meta property="article:published_time" content="2024-09-26">
    </head><body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    <article><h1>Council approves the new bridge</h1>
    <p>The council voted on Tuesday to build a new bridge across the river, officials said.</p>
    <p>Construction will start next spring and cost 12 million euros, according to the plan.</p></article>
    <footer><p>Subscribe to our newsletter.</p><p>Most Popular</p></footer></body></html>"""
    extracted = from_html(page, ArticleFields(url="https://news.example/bridge"))
    assert extracted.title == "Council approves the new bridge"
    assert extracted.text == ("The council voted on Tuesday to build a new bridge across the river, officials said."
                              "\n\nConstruction will start next spring and cost 12 million euros, according to the plan.")
    assert extracted.fields.author == "Jane Doe"
    assert extracted.fields.published.isoformat() == "2024-09-26"


def test_html_that_is_all_boilerplate_is_refused():
    with pytest.raises(ExtractionError):
        from_html("<html><body><nav>Home | World</nav><footer>Most Popular</footer></body></html>", ArticleFields())


@pytest.mark.parametrize("body, title", [
    ("Sign up for CNN's Wonder Theory science newsletter. Explore the universe with news on fascinating discoveries.\n\n"
     "CNN -- Astronomers have used the telescope to peer inside spiral galaxies.",
     "Astronomers have used the telescope to peer inside spiral galaxies."),
    ("Editor's Note: Sign up for Unlocking the World, CNN Travel's weekly newsletter. Get news about destinations "
     "opening and more.\n\nFor years, journey times flying east from Israel depended on who you were flying with.",
     "For years, journey times flying east from Israel depended on who you were flying with."),
    ("FIRST ON FOX: The chairman traveled to Kyiv on Tuesday with a delegation. They met officials.",
     "The chairman traveled to Kyiv on Tuesday with a delegation."),
    ("Send this page to someone via email Activists in London dumped paint in front of the embassy.\n\nIt was blue "
     "and yellow paint.",
     "Activists in London dumped paint in front of the embassy."),
    ("FILE - Carlos Watson speaks at a panel in Beverly Hills in 2016.\n\n"
     "NEW YORK - The founder of Ozy Media was arrested on Thursday.",
     "The founder of Ozy Media was arrested on Thursday."),
    ("An Australian pleaded guilty on Thursday, Feb. 23, 2023, to manslaughter. The judge agreed.",
     "An Australian pleaded guilty on Thursday, Feb. 23, 2023, to manslaughter."),
])
def test_an_untitled_articles_title_is_its_first_sentence_that_is_the_storys(body, title):
    assert from_text(body, ArticleFields()).title == title


@pytest.mark.parametrize("body, outlet", [
    ("Sign up for CNN's science newsletter. Explore the universe with news.\n\nCNN --\n\n"
     "The James Webb telescope has spotted six galaxies that formed early.", "CNN"),
    ("(Reuters) -Belgium's intelligence service has been monitoring the hub, the FT reported.", "Reuters"),
    ("LONDON, Oct 5 (Reuters) - Belgium's intelligence service has been monitoring the hub.", "Reuters"),
    ("WASHINGTON (AP) — The Senate passed the bill on Tuesday after a long debate.", "The Associated Press"),
    ("FIRST ON FOX: Chairman Michael McCaul traveled to Kyiv on Tuesday with a delegation.", "Fox News"),
    # a plea for the outlet's own app, on a line of its own anywhere
    ("A Romanian court extended the detention of Andrew Tate on Tuesday.\n\nThe Tates appealed.\n\nA lawyer spoke."
     "\n\nCLICK HERE TO DOWNLOAD THE FOX NEWS APP\n\nThe case goes on.", "Fox News"),
    # its name for itself: its reporter's line at the foot, its sign-up box
    ("The Biden administration unveiled new details on Thursday of its chips plan.\n\n"
     "Ben Werschkul is Washington correspondent for Yahoo Finance.\n\nRead the latest news.", "Yahoo Finance"),
    ("Residents of a small town fear for their futures after a train derailed in Ohio.\n\nThanks for signing up! "
     "By clicking 'Sign up', you agree to receive marketing emails from Insider as well as other partner offers.",
     "Insider"),
    # Not credits: an AP caption's "FILE -", a city's dateline, an outlet quoted further down.
    ("FILE - Steve Johnson arrives at the court in Sydney on May 2, 2022, for a hearing.", None),
    ("PARIS — The museum reopened on Monday after a year of repairs to its roof.", None),
    ("The minister resigned on Monday.\n\nTwo more ministers followed.\n\nA third waited.\n\n"
     "CNN -- The party has not said who will replace them.", None),
    ("The minister resigned on Monday, an aide told CNN, after a week of reports.", None),
    ("The minister resigned on Monday, a day after urging voters to get the CNN app.", None),
    # someone's role within a sentence, a reporter of another outlet quoted
    ("The minister resigned on Monday, said Jane Doe, who is a reporter for the Times.", None),
    ("The minister resigned on Monday.\n\nJane Doe is a senior fellow at the Brookings Institution.", None),
])
def test_an_article_without_an_outlet_takes_the_one_its_dateline_credits(body, outlet):
    assert from_text(body, ArticleFields()).fields.source == outlet


def test_the_callers_outlet_is_kept_over_the_articles_credit():
    body = "(Reuters) -Belgium's intelligence service has been monitoring the hub, the FT reported."
    assert from_text(body, ArticleFields(source="ThePrint")).fields.source == "ThePrint"
