"""Attributions and hedges a sentence may not drop, from pairs a careful reader would judge."""

import pytest

from service.checker.qualifiers import _speech, dropped_qualifiers, unattributed_speech

FT = ("Belgium's intelligence service has been monitoring the main logistics hub in Europe of China's Alibaba "
      "over concern about possible espionage, the Financial Times (FT) reported on Thursday.")
OMAN = "Oman announced that it will open its airspace to Israeli flights, effectively ending a ban."
FLIGHT = "The flight could take up to three hours, one commentator said."
MINISTER = "The minister, who was appointed in 2019, said the plan would fail."
SERVICE = "The security service said it was working to detect possible espionage by Chinese entities."
POST = ("About 1,500 residents -- more than a quarter of the population of East Palestine -- were evacuated during "
        "the burn, according to the Post.")
FLAG = ("The existence of a massive Ukrainian flag outside his embassy in London will serve to remind him of "
        "that.\"")
SCARE = 'The system will act as the "connector" between drones and the airspace, the agency said.'
EC = 'In a statement, the EC said the decision was made to ban TikTok from its devices to "protect data".'
SAYS = ("The system will act as the \"connector\" between UAS and Australia's current airspace management, says "
        "Courtney Meares-Whitty, head of the FIMS initiative for Airservices Australia.")


@pytest.mark.parametrize("sentence, quote, dropped", [
    # kept: the attribution and the hedges, anywhere in the sentence
    ("Belgium's intelligence service has been monitoring Alibaba's hub over possible espionage, the FT reported.",
     FT, set()),
    ("According to the FT, Belgian intelligence has been monitoring Alibaba's hub over possible espionage.",
     FT, set()),
    ("Oman said it will open its airspace to Israeli flights.", OMAN, set()),
    ("One commentator said the flight could take up to three hours.", FLIGHT, set()),
    ("The security service said it was working to detect possible espionage.", SERVICE, set()),
    # dropped: the report becomes the digest's own claim, a plan a fact, a bound a figure
    ("Belgium's intelligence service has been monitoring Alibaba's hub over possible espionage.", FT,
     {"attribution"}),
    ("Belgium's intelligence service has been monitoring Alibaba's hub over espionage, the FT reported.", FT,
     {"hedge"}),
    ("Oman has opened its airspace to Israeli flights, ending a ban.", OMAN, {"attribution", "hedge"}),
    ("The flight takes three hours, one commentator said.", FLIGHT, {"hedge", "bound"}),
    ("The flight could take three hours, one commentator said.", FLIGHT, {"bound"}),
    ("The security service is working to detect possible espionage.", SERVICE, {"attribution"}),
    ("About 1,500 residents were evacuated during the burn.", POST, {"attribution"}),
    ("The system will act as the connector between UAS and the current airspace management.", SAYS,
     {"attribution"}),
    ("The system acts as the connector between UAS and the current airspace management.", SAYS,
     {"attribution", "hedge"}),
    ("According to the Post, about 1,500 residents were evacuated during the burn.", POST, set()),
    # a hedge of another strength is not the same hedge; one of the same strength is
    ("The talks are expected to take more time, diplomats said.", "The talks may take more time, diplomats said.",
     {"hedge"}),
    ("Talks could take more time, diplomats said.", "The talks may take more time, diplomats said.", set()),
    ("Further cuts are expected to follow.", "Further cuts are likely to follow.", {"hedge"}),
    ("The airline will not resume flights this year.", "The airline won’t resume flights this year.", set()),
    ("The airline has not resumed flights this year.", "The airline won’t resume flights this year.", {"hedge"}),
    ("Oman said it would open its airspace, effectively ending a ban.", OMAN, set()),
    # a report of someone's words is the reporter's besides
    ("Alibaba denied any wrongdoing.", "Alibaba denied any wrongdoing, it added.", {"attribution"}),
    ("Alibaba denied any wrongdoing, the FT added.", "Alibaba denied any wrongdoing, it added.", set()),
    # plans someone laid out are theirs
    ("The centerpiece of the plans is the creation of two chip hubs.",
     "The centerpiece of the plans, which Commerce Secretary Gina Raimondo laid out during a speech, is the "
     "creation of two chip hubs.", {"attribution"}),
    # what is to be done is not done
    ("The tanks were placed at the border.", "The tanks are to be placed at the border.", {"hedge"}),
    ("The tanks will be placed at the border.", "The tanks are to be placed at the border.", set()),
    # a qualifier that governs other words of its quote does not bind this sentence
    ("The minister was appointed in 2019.", MINISTER, set()),
    ("The plan would fail, the minister said.", MINISTER, set()),
    # a long speaker after "according to" still governs what precedes it
    ("All House of Commons devices will have to do away with the app as of March 3.",
     "All House of Commons devices will have to do away with the app as of March 3, according to a spokesperson "
     "for the Speaker's Office.", {"attribution"}),
    ("All House of Commons devices will have to do away with the app as of March 3, a spokesperson said.",
     "All House of Commons devices will have to do away with the app as of March 3, according to a spokesperson "
     "for the Speaker's Office.", set()),
    # ... and what follows a long speaker's name may carry a claim of its own
    ("Wages grew faster than prices.", "Inflation eased in March, according to government data released on "
     "Tuesday showing wages grew faster than prices.", {"attribution"}),
    # what a report found is the report's
    ("Binance transferred nearly $1.8 billion to hedge funds last year.",
     "A report by Forbes found that Binance transferred nearly $1.8 billion to hedge funds last year.",
     {"attribution"}),
    ("Forbes found that Binance transferred nearly $1.8 billion to hedge funds last year.",
     "A report by Forbes found that Binance transferred nearly $1.8 billion to hedge funds last year.", set()),
    ("The body was found in the river.", "Police said the body was found in the river on Monday.", {"attribution"}),
    # a hope is not a fact
    ("The tanks will return to the sites next year.",
     "She hopes the tanks will return to the sites next year, after the repairs.", {"attribution"}),
    # words in quotation marks (here a quotation that opened in the sentence before) are someone's
    ("A massive Ukrainian flag outside the embassy in London will serve to remind Putin of that.", FLAG,
     {"attribution"}),
    ("A massive Ukrainian flag outside the embassy will \"serve to remind him\" of that, an activist said.", FLAG,
     set()),
    ('A campaigner said the flag "will serve to remind him" of that.', FLAG, set()),
    ("The system will act as a connector between drones and the airspace, the agency said.", SCARE, set()),
    # someone else said it
    ("The BBC reports that the decision was made to ban TikTok from its devices to protect data.", EC,
     {"attribution"}),
    ("The BBC reports that the EC said the decision was made to ban TikTok from its devices to protect data.", EC,
     set()),
    ("The European Commission said the decision was made to ban TikTok from its devices to protect data.", EC,
     set()),
    ("Officials said the decision was made to ban TikTok from its devices to protect data.", EC, set()),
    ("According to Reuters, Binance transferred nearly $1.8 billion to hedge funds last year.",
     "A report by Forbes found that Binance transferred nearly $1.8 billion to hedge funds last year.",
     {"attribution"}),
    ("The system will act as the connector between UAS and the airspace, Meares-Whitty says.", SAYS, set()),
    # ... the organisation its speaker speaks for is named in the apposition
    ("The system will act as the connector between UAS and the airspace, Airservices Australia says.", SAYS,
     set()),
    ("Reuters reports that the decision was made to ban TikTok from its devices to protect data.", EC,
     {"attribution"}),
    ("Politico said the decision was made to ban TikTok from its devices to protect data.", EC, {"attribution"}),
    ("Police said the decision was made to ban TikTok from its devices to protect data.", EC, set()),
    ("The decision was made to ban TikTok from its devices to protect data, the EC's spokesman said.", EC, set()),
    ("The decision was made to ban TikTok from its devices to protect data, the EC said.",
     "The decision was made to ban TikTok from its devices to protect data, said Eric Mamer, a European "
     "Commission spokesman.", set()),
    ("The bank will raise rates in May, the NYT reported.",
     "The bank will raise rates in May, The New York Times reported.", set()),
    ("The bank will raise rates in May, according to Reuters.",
     "The bank will raise rates in May, the news agency Reuters reported, citing EU officials.", set()),
    ("The summit will take place in May, President Biden said.",
     "The summit will take place in May, President Macron said.", {"attribution"}),
    ("The summit will take place in the United States in May, the White House said.",
     "The summit will take place in the United States in May, the White House said.", set()),
])
def test_dropped_qualifiers(sentence, quote, dropped):
    assert {d.kind for d in dropped_qualifiers(sentence, [quote])} == dropped


@pytest.mark.parametrize("quote, speech", [
    ('"We will not stop," she said, "until the end of the war."', ["We will not stop,", "until the end of the war."]),
    ("remind him of that and of the war.”", ["remind him of that and of the war."]),
    ("“It will go on for years and years", ["It will go on for years and years"]),
    ('The so-called "connector" links them.', []),
    ('("We will not stop until the end," she said.)', ["We will not stop until the end,"]),
    ('He said:"We will win this war soon." Then he left the room quietly.', ["We will win this war soon."]),
    ('The new television has a 55" screen and costs more than the old one.', []),  # inches
])
def test_speech_is_what_quotation_marks_enclose_even_across_sentences(quote, speech):
    assert _speech(quote) == speech


@pytest.mark.parametrize("quote, unattributed", [
    ("The existence of a massive flag outside his embassy will serve to remind him of that.\"", True),
    ('"We will not stop until the end," she said.', False),
    ('She called it "a disaster for the whole town and everyone in it".', False),
    ('"As I have said before, the war will end soon and we will win."', True),  # "said" is inside the quotation
    ("The plant will close in May, the company said.", False),
    ('ByteDance is not happy with the move, with a spokesperson stating, "We are disappointed with this decision."',
     False),
])
def test_unattributed_speech_says_nothing_outside_its_quotation_marks_of_whose_it_is(quote, unattributed):
    assert unattributed_speech(quote) == unattributed


def test_hopes_and_fears_attribute_only_as_verbs():
    assert dropped_qualifiers("The peace deal talks collapsed.", ["Hopes for the peace deal talks collapsed."]) == []
    assert [d.kind for d in dropped_qualifiers("The tanks will return to the sites.",
                                               ["They hope the tanks will return to the sites."])] == ["attribution"]
    assert [d.kind for d in dropped_qualifiers("The tanks will return to the sites next year.",
                                               ["The tanks will return to the sites--she hopes--next year."])
            ] == ["attribution"]
