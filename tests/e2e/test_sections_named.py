"""Sections named by desk with the real embedding model: six unrelated stories like the issue's,
which found one heading for all of them; two sections on one desk are told apart by their terms."""

import pytest

from service.policy import SummaryPolicy
from service.sections import sections

pytestmark = pytest.mark.e2e

POLICY = SummaryPolicy()
STORIES = {
    "flu": "Bird flu death in Cambodia. An 11-year-old girl died of bird flu, health officials said.",
    "vaccine": "Moderna revenue falls. Moderna's vaccine revenues fell as demand for COVID-19 shots dropped.",
    "court": "Tate detention extended. A Romanian court extended the detention of Andrew Tate on trafficking charges.",
    "shooting": "Gunmen kill seven in pool hall. Police shot one of the gunmen; the other surrendered on Thursday.",
    "derailment": "Train derails in Ohio. A freight train derailed in East Palestine, releasing toxic chemicals.",
    "milk": "Plant-based milk labels. The FDA says labels of plant-based milk alternatives may show their nutrients.",
}


def test_unrelated_stories_are_named_by_their_desks(embedder):
    found = sections(list(STORIES.values()), embedder, POLICY.section_join_distance, POLICY.most_sections)
    desk_of = {key: name for name, members in found for i in members for key in [list(STORIES)[i]]}
    assert desk_of["flu"] == desk_of["vaccine"] == "Health"
    assert desk_of["court"].startswith("Crime and courts") and desk_of["shooting"].startswith("Crime and courts")
    assert desk_of["milk"] == "Food and drink"
    assert len(found) == 4  # six stories: at most the square root, plus one
    names = [name for name, _ in found]
    assert len(set(names)) == len(names)  # two sections on one desk are told apart by their terms
