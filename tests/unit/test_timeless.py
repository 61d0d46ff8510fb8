"""An undated story's sentences and headlines lose the words that date them by the day they ran,
and nothing else: not a word the rest depends on, not a name that holds a weekday."""

import pytest

from service.text import sentence_spans, timeless


@pytest.mark.parametrize(("sentence", "expected"), [
    ("A train derailed in East Palestine, Ohio this month, leading to the release of toxic chemicals.",
     "A train derailed in East Palestine, Ohio, leading to the release of toxic chemicals."),
    ("Last month pizza chain Domino's pulled out of Italy.", "Pizza chain Domino's pulled out of Italy."),
    ("Earlier this month Apple sued Google.", "Apple sued Google."),
    ("It will bring the drinks to the UK later this month.", "It will bring the drinks to the UK."),
    ("The James Webb Space Telescope just peered into a box.", "The James Webb Space Telescope peered into a box."),
    ("A Romanian court on Tuesday agreed to extend it.", "A Romanian court agreed to extend it."),
    ("McCaul traveled to Kyiv Tuesday with a delegation.", "McCaul traveled to Kyiv with a delegation."),
    ("Gunmen killed seven people in Sinop on Tuesday.", "Gunmen killed seven people in Sinop."),
    ("Lordstown Motors said Thursday it will suspend production.", "Lordstown Motors said it will suspend production."),
    ("On Monday, police said the man fled.", "Police said the man fled."),
    ("On Thursday morning the strike began.", "The strike began."),
    # where someone stood that week, not where they stand now
    ("As of Tuesday, none of the four detainees has been formally charged.",
     "As of Tuesday, none of the four detainees has been formally charged."),
    ("Police said on Monday, adding that it was over.", "Police said, adding that it was over."),
    ("He pleaded guilty on Thursday, Feb. 23, 2023, to manslaughter.", "He pleaded guilty on Feb. 23, 2023, to manslaughter."),
    ("The EU Commission has now banned employees from using TikTok.",
     "The EU Commission has banned employees from using TikTok."),
    ("Detectives are now hunting the gunmen.", "Detectives are hunting the gunmen."),
    # an aside that only dates what it follows goes whole, not to a bare "released,"
    ("The draft guidance, released Wednesday, is a response to demand.", "The draft guidance is a response to demand."),
    ("The report, published on Monday morning, found fraud.", "The report found fraud."),
    # what the rest depends on, and names, stay
    ("The company is now worth $2 billion.", None),
    ("She is now seven years old.", None),
    ('"We have now decided to leave," he said.', None),
    ("The now-defunct diner closed.", None),
    ("Police described the events of Tuesday as chaotic.", None),
    ("The drug is not just used for diabetes.", None),
    ("The bill only just passed.", None),
    # a year places the news before or after its article
    ("It will bring the drinks to the UK later this year.", None),
    ("Binance transferred $1.8 billion to hedge funds last year.", None),
    ("Last year pizza chain Domino's pulled out of Italy.", None),
    ("Revenue rose 10% from last year.", None),
    ("It is the highest since last year.", None),
    ("Tesla shares, up 40% this year, fell.", None),
    ("A poll by USA Today found support.", None),
    ("He surrendered on Thursday morning and confessed.", None),
    ("Police met on Monday or later.", None),
    ("The Tonight Show aired.", None),
    ("Workers struck on Monday and Tuesday.", None),
    ("The shop opens from Monday to Friday.", None),
    ("The Sunday Times reported it.", None),
    ("The Mail on Sunday reported it.", None),
    ("Bloody Sunday was remembered.", None),
    ("Cyber Monday sales rose.", None),
    ("Tuesday's extension was the third.", None),
    ("This year's budget was cut.", None),
])
def test_only_the_words_that_date_a_sentence_go(sentence, expected):
    assert timeless(sentence) == (expected or sentence)


def test_a_straight_quotation_mark_run_into_the_next_sentence_closes_its_own():
    text = ('"We will win."The crowd cheered. Prices rose for longer.MSCI\'s index fell. They wrote: "It is our '
            'right. " The flag stays. Or leave TikTok).EC staff agreed.')
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        '"We will win."', "The crowd cheered.", "Prices rose for longer.", "MSCI's index fell.",
        'They wrote: "It is our right. "', "The flag stays.", "Or leave TikTok).", "EC staff agreed."]
