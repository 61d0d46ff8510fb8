"""Sections named by desk with the real embedding model: unrelated stories like the issue's, which
found one heading for all of them. Each story is filed on its own desk: grouped first and filed by
the group's mean, a bird-flu death and a mine collapse were filed under "Crime and courts"."""

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
    "mine": "Mine collapse in Inner Mongolia. An open pit mine collapsed, trapping dozens of workers.",
    "schoolgirls": "Schoolgirls fall sick in Qom. Hundreds of schoolgirls have been hospitalized with breathing problems.",
}


def test_each_story_is_filed_on_its_own_desk(embedder):
    found = sections(list(STORIES.values()), embedder, POLICY.section_join_distance, POLICY.most_sections)
    desk_of = {key: name for name, members in found for i in members for key in [list(STORIES)[i]]}
    assert desk_of["flu"] == desk_of["vaccine"] == desk_of["schoolgirls"] == "Health"
    assert desk_of["court"] == desk_of["shooting"] == "Crime and courts"
    assert desk_of["derailment"] == desk_of["mine"] == "Accidents and disasters"
    assert desk_of["milk"] == "Food and drink"
    assert len(found) == 4


def test_companies_and_markets_share_the_business_pages_and_foreign_affairs_is_world(embedder):
    stories = ["Domino's boss admits price rise misjudged. The pizza chain's profits fell after it raised delivery prices.",
               "Asian shares follow Wall Street lower. Investors feared central banks would keep raising rates.",
               "Protesters pour paint outside Russian embassy. Activists in London backed Ukraine on the war's anniversary.",
               "US congressman visits Kyiv. The chairman of the Foreign Affairs Committee met Ukraine's president."]
    found = sections(stories, embedder, POLICY.section_join_distance, POLICY.most_sections)
    assert sorted((name, members) for name, members in found) == [("Business", [0, 1]), ("World", [2, 3])]
