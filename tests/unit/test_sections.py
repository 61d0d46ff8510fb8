"""A digest's sections over the hashing embedder (stories that share words are near)."""

from service.models.embedder import HashingEmbedder
from service.policy import SummaryPolicy
from service.sections import sections

POLICY = SummaryPolicy()
STORIES = [
    "Rail strike halts trains. Rail workers strike over pay; trains across the network stopped.",
    "Oman opens airspace. Oman announced it will open its airspace to Israeli flights.",
    "Rail union talks fail. Talks between the rail union and the operator failed; the strike over pay goes on.",
    "Bird flu death in Cambodia. An 11-year-old girl died of bird flu, health officials said.",
    "Lordstown pauses production. The electric truck maker Lordstown paused production of its Endurance pickup.",
    "Moderna revenue falls. Moderna's vaccine revenues fell as demand for COVID-19 shots dropped.",
]


def test_unrelated_stories_get_several_named_sections_and_related_ones_share_one():
    found = sections(STORIES, HashingEmbedder(), POLICY.section_join_distance, POLICY.most_sections)
    assert 2 < len(found) <= len(STORIES)
    assert sorted(i for _, members in found for i in members) == list(range(len(STORIES)))
    name, members = found[0]  # the largest first
    assert {0, 2} <= set(members) and "Rail" in name
    assert all(name.strip() for name, _ in found)


def test_a_large_batch_is_capped_at_a_readable_number_of_sections():
    many = [f"Story {i} about the topic number {i} with words zq{i}x and yv{i}w." for i in range(40)]
    found = sections(many, HashingEmbedder(), POLICY.section_join_distance, POLICY.most_sections)
    assert len(found) <= POLICY.most_sections and sum(len(m) for _, m in found) == 40
    assert sections([], HashingEmbedder(), 0.6, 8) == [] and len(sections(many[:1], HashingEmbedder(), 0.6, 8)) == 1


def test_empty_texts_do_not_break_the_clustering():
    found = sections(["", "Rail strike halts trains.", "", "Rail strike goes on."], HashingEmbedder(), 0.6, 8)
    assert sorted(i for _, members in found for i in members) == [0, 1, 2, 3]


def test_a_sections_two_terms_that_are_one_name_read_as_that_name():
    from service.sections import section_name

    texts = ["Lordstown Motors paused production. Lordstown Motors said its pickup had faults.",
             "Rail workers strike over pay; trains across the network stopped."]
    embedder = HashingEmbedder()
    name = section_name(texts, [0], embedder.embed(texts[:1])[0], embedder)
    assert name == "Lordstown Motors"
