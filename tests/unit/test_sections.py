"""A digest's sections over the hashing embedder (stories that share words are near)."""

import numpy as np

from service.models.embedder import HashingEmbedder
from service.policy import SummaryPolicy
from service.sections import DESKS, IN_BRIEF, sections

POLICY = SummaryPolicy()
# With the hashing embedder a story is near a desk when it uses the words of the desk's beat.
STORIES = [
    "Police arrests after shootings. Police made arrests; judges set trials.",
    "Zorbel quints wed. The Zorbel quints wed in Vantry, their Zorbel aunt said.",
    "Vaccines for patients. Doctors in hospitals gave vaccines to patients with the disease.",
    "Prisons and judges. Judges sent the accused to prisons after trials and arrests.",
    "Zorbel quints honeymoon. The Zorbel quints left Vantry for a honeymoon.",
]


def test_each_story_goes_to_the_desk_of_its_beat_and_the_rest_are_grouped_by_their_terms():
    found = dict(sections(STORIES, HashingEmbedder(), POLICY.section_join_distance, POLICY.most_sections))
    assert found["Crime and courts"] == [0, 3] and found["Health"] == [2]
    [(name, members)] = [(name, members) for name, members in found.items() if name not in ("Crime and courts", "Health")]
    assert members == [1, 4] and "Zorbel" in name


def test_stories_alone_on_their_desk_are_gathered_in_brief_when_there_are_too_many_sections():
    beats = [f"{desk}. {beat}" for desk, beat in DESKS.items()]
    crime, health = DESKS["Crime and courts"], DESKS["Health"]
    everything = list(range(len(beats) + 4))
    found = sections([crime, crime, health, health, *beats], HashingEmbedder(), POLICY.section_join_distance, 4)
    assert [name for name, _ in found] == ["Crime and courts", "Health", IN_BRIEF]
    assert found[0][1] == [0, 1, 4 + list(DESKS).index("Crime and courts")]
    assert sorted(i for _, members in found for i in members) == everything


def test_where_few_desks_have_several_stories_only_the_smallest_sections_are_gathered():
    beats = [f"{desk}. {beat}" for desk, beat in DESKS.items()]
    found = sections(beats, HashingEmbedder(), POLICY.section_join_distance, 5)
    assert len(found) == 5 and found[-1][0] == IN_BRIEF and len(found[-1][1]) == len(beats) - 4
    crime = DESKS["Crime and courts"]
    found = sections([crime, crime, *beats], HashingEmbedder(), POLICY.section_join_distance, 4)
    assert [len(members) for _, members in found] == [3, 1, 1, len(beats) - 3]


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


def test_a_story_alone_on_its_desk_joins_a_nearly_as_close_desk_that_holds_another():
    from service.sections import with_lone_stories_moved

    transport, war, politics, business = 0, 1, 2, 3
    closeness = np.array([
        [0.40, 0.00, 0.00, 0.00],  # transport
        [0.35, 0.00, 0.00, 0.00],  # transport
        [0.14, 0.16, 0.00, 0.00],  # a paint protest at an embassy: war, transport close behind
        [0.00, 0.17, 0.22, 0.00],  # a congressional trip to Kyiv: politics, war close behind
        [0.00, 0.00, 0.08, 0.20],  # a pizza chain's profits: business, nothing close behind
    ])
    desks = [transport, transport, war, politics, business]
    # The trip joins the protest (the closest move) before the protest could join the transport desk.
    assert with_lone_stories_moved(desks, closeness) == [transport, transport, war, war, business]
    closeness[3, war] = 0.10  # no longer nearly as close: the protest joins transport instead
    assert with_lone_stories_moved(desks, closeness) == [transport, transport, transport, politics, business]
