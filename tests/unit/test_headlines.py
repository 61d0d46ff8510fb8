"""A story without a title of its own is headed by its lead's main clause, never by a cut-off
sentence, and never by one that drops what the lead attributes or hedges."""

import pytest

from service.headlines import MOST_CHARS, headline, lead_headline
from service.text import headline_sentence

# Leads of the SummEdits news articles (Apache-2.0), the corpus of the example digest.
OZY = ("The founder of the troubled digital start-up Ozy Media was arrested Thursday on fraud charges as part of a "
       "scheme to prop up the financially struggling company, which hemorrhaged millions of dollars before it shut "
       "down amid revelations of possibly deceptive business practices.")
TATE = ("A Romanian court on Tuesday agreed to extend former kickboxer and social media influencer Andrew Tate's "
        "detention on suspicion of human trafficking, rape, and forming an organized crime group for another 30 "
        "days, according to reports.")
GUILTY = ("An Australian pleaded guilty on Thursday, Feb. 23, 2023, to the manslaughter of an American Scott Johnson, "
          "who fell to his death 35 years ago from a Sydney cliff top that was known as a gay meeting place.")
BIRD_FLU = ("An 11-year-old girl from Cambodia has died from bird flu, health officials have said, the first person in "
            "the country to die from the infection since 2014.")
MILK = ("The labels of plant-based milk alternatives may soon include a voluntary statement conveying how their "
        "nutrient compositions compare with dairy milk.")
# The condition ("if they have ...") is of the phrase that goes with the cut.
EC = ("The BBC reports that the EC has ordered its 32,000 employees to remove TikTok from their company phones and "
      "devices, along with their personal phones if they have official EC apps installed like their email app and "
      "Skype for Business.")
MCCAUL = ("Chairman of the House Foreign Affairs Committee Michael McCaul traveled to Kyiv Tuesday with a congressional "
          "delegation to see \"first-hand\" what is happening on the ground in Ukraine and conduct oversight to gain "
          "better insight on the Russia-Ukraine war.")
RUN_ON = ("Asian share markets followed Wall Street into the red on Wednesday as surprising strength in global surveys "
          "of services stoked fears that central banks would have to lift interest rates yet further and keep them up "
          "for longer.MSCI's broadest index of Asia-Pacific shares outside Japan fell 0.97%.")


@pytest.mark.parametrize(("lead", "expected"), [
    (OZY, "The founder of the troubled digital start-up Ozy Media was arrested on fraud charges"),
    (TATE, "A Romanian court agreed to extend former kickboxer and social media influencer Andrew Tate's detention, "
           "according to reports"),
    (GUILTY, "An Australian pleaded guilty on Feb. 23, 2023, to the manslaughter of an American Scott Johnson"),
    (BIRD_FLU, "An 11-year-old girl from Cambodia has died from bird flu, health officials have said"),
    # no clause boundary, and a lead not much longer than a headline: whole, not cut before what completes it
    (MILK, MILK.rstrip(".")),
    (EC, "The BBC reports that the EC has ordered its 32,000 employees to remove TikTok from their company phones and "
         "devices"),
    (MCCAUL, "Chairman of the House Foreign Affairs Committee Michael McCaul traveled to Kyiv"),
    ("A report by Forbes found that Binance transferred nearly $1.8 billion worth of stablecoins collateral to hedge "
     "funds last year.", "A report by Forbes found that Binance transferred nearly $1.8 billion worth of stablecoins "
                        "collateral to hedge funds"),
    (RUN_ON, "Asian share markets followed Wall Street into the red"),
    ("Edgar Ricardo de Oliveira also fled but surrendered to police Thursday morning",
     "Edgar Ricardo de Oliveira also fled but surrendered to police"),
    ("The Biden administration unveiled new details of its plan for chips in the U.S.",
     "The Biden administration unveiled new details of its plan for chips in the U.S."),
])
def test_a_lead_becomes_its_main_clause_without_a_weekday(lead, expected):
    assert lead_headline(lead) == expected


def test_a_lead_whose_every_cut_drops_its_attribution_stays_whole():
    lead = ("The bridge that links the two northern provinces across the river will be closed for repairs until the "
            "end of the year, the regional transport minister told reporters in the capital.")
    assert lead_headline(lead) == lead.rstrip(".")
    kept_up_front = ("Officials said the bridge that links the two northern provinces across the river would be "
                     "closed for repairs from the first week of March until the end of the year at the earliest, and "
                     "perhaps for longer.")
    assert lead_headline(kept_up_front) == ("Officials said the bridge that links the two northern provinces across "
                                            "the river would be closed for repairs")


def test_a_cut_never_falls_inside_quotation_marks():
    lead = ('The minister described the plan as "a reckless gamble with the savings of millions of ordinary families '
            'across the whole country" in a speech to parliament in the capital.')
    assert lead_headline(lead).count('"') % 2 == 0


def test_headlines_fit_the_length_a_reader_scans():
    for lead in (OZY, GUILTY, BIRD_FLU, EC, MCCAUL, RUN_ON):
        assert len(lead_headline(lead)) <= MOST_CHARS


def test_only_a_title_cut_from_the_lead_is_replaced():
    text = f"{OZY}\n\nThe indictment accuses Watson of conspiring to commit securities fraud."
    assert headline(OZY[:119].rsplit(" ", 1)[0] + "…", text).startswith("The founder of the troubled digital")
    assert headline("Ozy Media founder arrested", text) == "Ozy Media founder arrested"


@pytest.mark.parametrize(("lead", "expected"), [
    # a named day, a time of day, a deadline: not the day a story ran
    ("Shoppers spent a record amount online on Cyber Monday.", "Shoppers spent a record amount online on Cyber Monday"),
    ("The vote on Super Tuesday's bill was delayed.", "The vote on Super Tuesday's bill was delayed"),
    ("Three people were killed early Sunday when a fire spread through an apartment block in the centre of the "
     "city, according to the fire brigade.", "Three people were killed early Sunday, according to the fire brigade"),
    # a condition the rest depends on is not cut
    ("Rail workers across the whole of the country will go on strike at midnight on the first day of the month "
     "unless a deal is reached with the operators.", None),
    ("A Ph.D. student won the prize.", "A Ph.D. student won the prize"),
])
def test_what_a_headline_may_not_lose(lead, expected):
    if expected is None:
        assert "unless a deal is reached" in (lead_headline(lead) or "unless a deal is reached")
    else:
        assert lead_headline(lead) == expected


def test_a_publishers_title_stays_even_where_the_lead_begins_with_it():
    text = "Man arrested in Paris after a chase through the city centre on Tuesday night. Police said he was armed."
    assert headline("Man arrested", text) == "Man arrested"
    assert headline("", text) == ""


def test_a_cut_keeps_the_condition_the_clause_depends_on():
    lead = ("Russia will halt gas deliveries to several European countries, including Germany and Italy, unless buyers "
            "agree to pay in roubles for the gas they have already contracted to buy this winter.")
    assert "unless buyers agree to pay in roubles for the gas" in lead_headline(lead)


def test_a_headline_does_not_say_this_month_last_year_or_yesterday():
    assert lead_headline("A train derailed in East Palestine, Ohio this month, leading to the release of toxic "
                         "chemicals.") == "A train derailed in East Palestine, Ohio, leading to the release of toxic chemicals"
    assert lead_headline("The minister resigned yesterday.") == "The minister resigned"
    assert lead_headline("Later this year Apple will sue Google over its search deal.") == (
        "Apple will sue Google over its search deal")
    assert lead_headline("The telescope just peered into a box of galaxies later this year.") == (
        "The telescope peered into a box of galaxies")


@pytest.mark.parametrize(("text", "lead"), [
    # the story's own first sentence
    ("An open pit mine collapsed in China on Wednesday. Rescuers brought out three people.",
     "An open pit mine collapsed in China on Wednesday."),
    # not one that goes on from a sentence before it
    ("Edgar Ricardo de Oliveira also fled but surrendered to police Thursday morning\n\n"
     "Police have killed a gunman who slaughtered seven after losing two games of pool.",
     "Police have killed a gunman who slaughtered seven after losing two games of pool."),
    ("Another government entity is making a move to keep TikTok off its devices. This time, it's the "
     "European Commission. The BBC reports that the EC has ordered its staff to remove TikTok.",
     "The BBC reports that the EC has ordered its staff to remove TikTok."),
    ("For years, flights east took longer on some airlines. The reason? Israeli airlines were banned from Omani "
     "airspace.", "For years, flights east took longer on some airlines."),
    # nor a photo's caption
    ("Steve Johnson, right, and his wife Rosemarie arrive at the Supreme Court in Sydney. An Australian pleaded "
     "guilty to the manslaughter of Scott Johnson.", "An Australian pleaded guilty to the manslaughter of Scott Johnson."),
    # words that open a lead without pointing back
    ("The three-day summit ended in Paris on Sunday. It will meet again in May.",
     "The three-day summit ended in Paris on Sunday."),
    ("Both Apple and Google fell sharply on Monday. Investors sold.", "Both Apple and Google fell sharply on Monday."),
    # nor a news agency's caption, dated without its weekday
    ("Lordstown Motors gave rides in prototypes of its pickup truck on June 21, 2021 as part of an event.\n\n"
     "Lordstown Motors said Thursday it will suspend production of the pickup.",
     "Lordstown Motors said Thursday it will suspend production of the pickup."),
    ("An Australian pleaded guilty on Thursday, Feb. 23, 2023, to manslaughter. He was arrested in 2020.",
     "An Australian pleaded guilty on Thursday, Feb. 23, 2023, to manslaughter."),
    # nor a caption after the story's first line, which may be its own headline
    ("Edgar Ricardo de Oliveira also fled but surrendered to police Thursday morning\n\n"
     "Police shot Ezequias Souza Ribeiro dead on Wednesday after he went on the run\n\n"
     "Police have killed a gunman who slaughtered seven after losing two games of pool.",
     "Police have killed a gunman who slaughtered seven after losing two games of pool."),
    ("The EU Commission has now banned employees from using TikTok\n\nTikTok's been facing similar treatments.",
     "The EU Commission has now banned employees from using TikTok"),
    # a feature's scene-setting opening gives way to the sentence that dates its news
    ("For years, flights east took longer on Israeli airlines. The reason? They were banned from Omani airspace. "
     "In July 2022 Saudi Arabia opened its airspace. On February 23, Oman announced that it will open its airspace "
     "to all carriers.", "On February 23, Oman announced that it will open its airspace to all carriers."),
    # where every sentence goes on from another, the first
    ("He also said so in Sydney today. They also agreed with him.", "He also said so in Sydney today."),
])
def test_the_lead_a_headline_is_made_from_is_a_sentence_that_stands_alone(text, lead):
    assert headline_sentence(text) == lead


def test_a_title_an_earlier_version_cut_from_another_opening_sentence_still_marks_the_article_untitled():
    from service.ingest.extract import lead_title

    old_lead = "Edgar Ricardo de Oliveira also fled but surrendered to police Thursday morning"
    text = f"{old_lead}\n\nPolice have killed a gunman who slaughtered seven after losing two games of pool in Brazil."
    assert headline(lead_title(old_lead), text) == ("Police have killed a gunman who slaughtered seven after losing "
                                                    "two games of pool in Brazil")
    assert headline("Gunman killed", text) == "Gunman killed"  # a publisher's title stays
