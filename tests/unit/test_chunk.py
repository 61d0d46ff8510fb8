from hypothesis import given, settings, strategies as st

from service.ingest.chunk import chunk_article
from service.text import sentence_spans

# Odd inputs: any code point, runs of whitespace and sentence punctuation, abbreviations.
odd_text = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
        st.sampled_from([" ", "\n", "\n\n", "\t", ".", "!", "?", "…", "“", "”", "’", "\u00a0", "\u2028",
                         "Dr.", "U.S.", "e.g.", "3.5", "\r\n", "The cat sat. ", "Why? "]),
    ),
    max_size=80,
).map("".join)


@given(odd_text, st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=3))
@settings(max_examples=300, deadline=None)
def test_every_chunk_is_an_exact_slice_of_the_text(text, max_chars, overlap):
    chunks = chunk_article("a", "v1", text, max_chars=max_chars, overlap_sentences=overlap)
    for i, chunk in enumerate(chunks):
        assert text[chunk.start:chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
        assert chunk.index == i and chunk.id == f"a#v1-{i}"
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


@given(odd_text)
@settings(max_examples=300, deadline=None)
def test_sentences_are_ordered_disjoint_and_cover_all_visible_text(text):
    spans = sentence_spans(text)
    covered = set()
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        previous_end = end
        covered.update(range(start, end))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


def test_chunks_hold_whole_sentences_within_the_size_and_overlap():
    text = " ".join(f"Sentence number {i} says something about topic {i}." for i in range(30))
    chunks = chunk_article("a", "v", text, max_chars=200, overlap_sentences=1)
    spans = sentence_spans(text)
    starts, ends = {s for s, _ in spans}, {e for _, e in spans}
    assert len(chunks) > 3
    for chunk, following in zip(chunks, chunks[1:]):
        assert chunk.start in starts and chunk.end in ends
        assert len(chunk.text) <= 200
        assert following.start < chunk.end < following.end  # one sentence shared, then new ones


def test_paragraph_breaks_end_sentences():
    text = "A headline without a full stop\n\nThe story begins here. It goes on."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "A headline without a full stop", "The story begins here.", "It goes on."]


def test_sentences_glued_without_a_space_are_still_split():
    text = "Arthur's Magazine was published in the 19th century.First for Women is published by Bauer. The U.S.Army."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Arthur's Magazine was published in the 19th century.", "First for Women is published by Bauer.",
        "The U.S.Army."]
    text = ("LaBute is an American playwright and actor.H. Bruce Humberstone was a director. She is a Ph.D. "
            "Candidate. He is a Pharm.D. Candidate at UCLA.")
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "LaBute is an American playwright and actor.", "H. Bruce Humberstone was a director.",
        "She is a Ph.D. Candidate.", "He is a Pharm.D. Candidate at UCLA."]
