from service.citations import parse_cited_text, renumber, with_markers
from service.verify import CheckedSentence
from tests.unit.test_specifics import passages


def test_markers_belong_to_the_sentence_they_follow_even_after_the_full_stop():
    drafts = parse_cited_text("Rates rose [1]. Shares fell.[2][3] Bonds were flat [2, 4].", valid={1, 2, 3, 4})
    assert [(d.text, d.citations) for d in drafts] == [
        ("Rates rose.", [1]), ("Shares fell.", [2, 3]), ("Bonds were flat.", [2, 4])]


def test_numbers_that_name_no_passage_are_dropped():
    drafts = parse_cited_text("Rates rose [7]. Shares fell [1][1].", valid={1, 2})
    assert [(d.text, d.citations) for d in drafts] == [("Rates rose.", []), ("Shares fell.", [1])]


def test_initials_are_written_once_and_without_spaces():
    drafts = parse_cited_text("It spurs chips in the U.S. [1]. It spurs chips in the U. S. [2] The plan is big [1].",
                              valid={1, 2})
    assert [(d.text, d.citations) for d in drafts] == [
        ("It spurs chips in the U.S.", [1]), ("It spurs chips in the U.S.", [2]), ("The plan is big.", [1])]


def test_a_comma_before_the_markers_does_not_end_up_before_the_full_stop():
    drafts = parse_cited_text("Yes, both are women's magazines, [1][2]. They sell; [3]? Rates rose, [1] then fell.",
                              valid={1, 2, 3})
    assert [(d.text, d.citations) for d in drafts] == [
        ("Yes, both are women's magazines.", [1, 2]), ("They sell?", [3]), ("Rates rose, then fell.", [1])]


def test_text_without_words_is_no_sentence():
    assert parse_cited_text("[1]", valid={1}) == []
    assert parse_cited_text("  ", valid={1}) == []


def test_markers_go_inside_the_closing_full_stop_but_split_no_quotation_or_initials():
    assert with_markers("It rained.", [1, 2]) == "It rained [1][2]."
    assert with_markers('He said "no."', [3]) == 'He said "no." [3]'
    assert with_markers("It was sold in the U.S.", [2]) == "It was sold in the U.S. [2]"
    assert with_markers("No stop", [1]) == "No stop [1]."  # the next sentence does not run on
    assert with_markers("Kept.", []) == "Kept."


def test_a_lead_in_that_attributes_the_sentence_to_the_sources_is_dropped():
    drafts = parse_cited_text("The article states that Badr Hari was a kickboxer [1]. According to [2], he retired. "
                              "The report was published in May [2].", valid={1, 2})
    assert [(d.text, d.citations) for d in drafts] == [
        ("Badr Hari was a kickboxer.", [1]), ("He retired.", [2]), ("The report was published in May.", [2])]


def test_a_sentence_across_a_paragraph_break_is_shown_on_one_line_and_its_quote_stays_verbatim():
    quote = "A court extended the detention, according to reports.\n\nTate was arrested on Dec. 29."
    numbered = passages(("tate", [quote]))
    [sentence], [citation] = renumber([CheckedSentence(text=quote, citations=[1], supported=True, score=1.0)],
                                      numbered)
    assert sentence.text == "A court extended the detention, according to reports. Tate was arrested on Dec. 29."
    assert citation.quote == quote
