"""A digest's sections: its stories grouped by topic, each group named as a newspaper names its pages.

Each story goes to the desk it is closest to in meaning ("Health", "Crime and courts": each desk
is embedded with the words of its beat), judged on the story's own title and summary. Grouped by
their mean vector instead, a cluster of unlike stories took the desk of its majority, and a
bird-flu death and a mine collapse were filed under "Crime and courts". Stories no desk is close
to are clustered on their vectors (average linkage over cosine distance: stories join only when
they are about the same thing), and each such group is named by the terms its stories use and the
others do not (c-TF-IDF); named by terms alone, groups of unrelated stories were called after the
one word they shared ("First", "Ohio, Occurred"). A section of one is fine; past what a reader
scans (`most_sections`), a story alone on its desk moves to a desk nearly as close to it that
holds another story (a congressional trip to Kyiv joins a protest at the Russian embassy under
"World"), and the stories still alone, and then the smallest sections, are gathered
under "In brief".
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from service.models.embedder import Embedder
from service.text import POSSESSIVE, STOPWORDS, WORD

# A desk, and the words of its beat that its stories use.
DESKS = {
    "Politics": "politics: government, elections, parliament, ministers, lawmakers, policy",
    # One desk for companies and markets, as a newspaper's business pages: apart, a pizza chain's
    # profits sat alone and went to "In brief" while shares and crypto had a section of two.
    "Business": "business and markets: companies, profits, revenue, executives, sales, prices, shares, stocks, "
                "investors, crypto",
    "Technology": "technology: apps, software, chips, semiconductors, internet, social media, cybersecurity",
    "Science": "science: research, scientists, discoveries, space, telescopes",
    "Health": "health: disease, illness, vaccines, hospitals, doctors, patients",
    "Environment": "environment: climate, pollution, nature, wildlife, emissions",
    "Crime and courts": "crime and courts: police, arrests, trials, judges, prisons, shootings",
    "Security": "security: intelligence services, espionage, spying, surveillance, national security",
    # "World", not "War and conflict": a protest at an embassy and a congressman's visit to Kyiv are
    # foreign affairs, and an editor found the war heading odd over them.
    "World": "world: foreign affairs, war, diplomacy, embassies, foreign leaders, international relations",
    "Accidents and disasters": "accidents and disasters: crashes, derailments, collapses, fires, floods, earthquakes",
    "Food and drink": "food and drink: coffee, milk, restaurants, recipes, groceries",
    "Travel": "travel: tourism, flights, airports, holidays, hotels",
    "Sport": "sport: football, matches, players, teams, tournaments",
    "Culture": "culture: films, music, books, art, celebrities",
    "Transport": "transport: cars, trucks, trains, aviation, airspace, drones",
    "Energy": "energy: oil, gas, electricity, power, renewables",
}
DESK_NAMES = list(DESKS)
# A story is on a desk when it is at least this close to it (cosine). On the example digest's 26
# stories the chosen desks scored 0.15 to 0.46; the floor sits a little under the loosest fit (a
# paint protest at an embassy on "War and conflict", before that desk became "World"), and a story below it is named by its own terms.
DESK_FLOOR = 0.13
# A story alone on its desk may move to a desk this much less close to it (cosine) that holds
# another story. In the example digest a Kyiv trip sat 0.05 nearer "Politics" than "War and
# conflict", a flight-paths story 0.03 nearer "Travel" than "Transport"; a pizza chain's profits,
# 0.12 nearer "Business" than any other desk, stays alone.
SECOND_DESK_MARGIN = 0.06
IN_BRIEF = "In brief"
MIN_SHARED_SECTIONS = 2  # desks with several stories each that make a digest's headings on their own
NAME_TERMS = 2  # terms in a section's name
NAME_CANDIDATES = 8  # the most particular terms, of which the closest in meaning name it
# Words that say when or where a story ran, not what it is about.
NOT_TOPICS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec today
yesterday week weekend month year years file photo video reuters editor note sign newsletter explore inc ltd
corp said says told according reported people""".split())


def sections(texts: list[str], embedder: Embedder, join_distance: float, most_sections: int) -> list[tuple[str, list[int]]]:
    """(name, indices into `texts`) per section, the largest first ("In brief", where there is one,
    last), stories in their given order."""
    if not texts:
        return []
    vectors = embedder.embed(texts)
    closeness = desk_closeness(vectors, embedder)
    desks = [int(desk) if row[desk] >= DESK_FLOOR else None for desk, row in zip(closeness.argmax(axis=1), closeness)]
    named = _named_sections(texts, vectors, desks, embedder, join_distance, most_sections)
    if len(named) > most_sections and (moved := with_lone_stories_moved(desks, closeness)) != desks:
        named = _named_sections(texts, vectors, moved, embedder, join_distance, most_sections)
    if len(named) <= most_sections:
        return named
    shared = [section for section in named if len(section[1]) > 1]
    # Every story alone on its desk goes in brief where the desks with several stories are enough
    # headings; otherwise as many of the smallest sections as the limit asks.
    kept = shared if MIN_SHARED_SECTIONS <= len(shared) < most_sections else named[:most_sections - 1]
    gathered = sorted(i for _, members in named[len(kept):] for i in members)
    return kept + [(IN_BRIEF, gathered)]


def _named_sections(texts: list[str], vectors: np.ndarray, desks: list[int | None], embedder: Embedder,
                    join_distance: float, most_sections: int) -> list[tuple[str, list[int]]]:
    on_desk: dict[str, list[int]] = {}
    loose = []
    for index, desk in enumerate(desks):
        if desk is None:
            loose.append(index)
        else:
            on_desk.setdefault(DESK_NAMES[desk], []).append(index)
    named = list(on_desk.items())
    if loose:
        for group in clusters(vectors[loose], join_distance, most_sections):
            members = [loose[i] for i in group]
            named.append((section_name(texts, members, vectors[members].mean(axis=0), embedder), members))
    named.sort(key=lambda section: (-len(section[1]), section[1][0]))
    return named


def desk_closeness(vectors: np.ndarray, embedder: Embedder) -> np.ndarray:
    """Cosine closeness of each story (row) to each desk (column, in DESK_NAMES' order)."""
    desks = embedder.embed(list(DESKS.values()))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.nan_to_num(vectors / np.where(norms == 0, 1, norms)) @ desks.T


def with_lone_stories_moved(desks: list[int | None], closeness: np.ndarray) -> list[int | None]:
    """Each story alone on its desk moved to a desk nearly as close that holds another story,
    the closest such moves first, so that two lone stories share a desk before either joins a
    third's."""
    desks = list(desks)
    counts = Counter(desks)
    moves = sorted(((closeness[story, desk], story, desk) for story, own in enumerate(desks) if own is not None
                    for desk in range(closeness.shape[1])
                    if desk != own and closeness[story, desk] >= max(DESK_FLOOR,
                                                                      closeness[story, own] - SECOND_DESK_MARGIN)),
                   reverse=True)
    for _, story, desk in moves:
        own = desks[story]
        if counts[own] == 1 and counts[desk] >= 1:
            counts[own] -= 1
            counts[desk] += 1
            desks[story] = desk
    return desks


def clusters(vectors: np.ndarray, join_distance: float, most_sections: int) -> list[list[int]]:
    count = len(vectors)
    if count == 1:
        return [[0]]
    limit = max(1, min(most_sections, math.ceil(math.sqrt(count)) + 1, count))
    # Cosine distances computed here: a zero vector (an empty text) is then far from everything
    # instead of an error.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.nan_to_num(vectors / np.where(norms == 0, 1, norms))
    distances = np.clip(1 - unit @ unit.T, 0, 2)
    np.fill_diagonal(distances, 0)
    by_distance = AgglomerativeClustering(n_clusters=None, distance_threshold=join_distance, metric="precomputed",
                                          linkage="average").fit_predict(distances)
    labels = by_distance if len(set(by_distance)) <= limit else AgglomerativeClustering(
        n_clusters=limit, metric="precomputed", linkage="average").fit_predict(distances)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return list(groups.values())


def section_name(texts: list[str], members: list[int], centroid: np.ndarray, embedder: Embedder) -> str:
    """Of the terms most particular to the section (frequent in its stories, rare in the others),
    the ones closest in meaning to the stories as a whole: "Court, Arrested" rather than "Brother"."""
    terms = [_terms(text) for text in texts]
    everywhere = Counter(key for found in terms for key in found)
    inside: Counter[str] = Counter(key for i in members for key in terms[i])
    surface = {key: form for i in members for key, form in terms[i].items()}
    others = len(texts) - len(members)

    def weight(key: str) -> float:
        particular = math.log(1 + (others + 1) / (everywhere[key] - inside[key] + 1))
        return inside[key] / len(members) * particular * (2 if surface[key][:1].isupper() else 1)

    shared = [key for key, count in inside.items() if count > 1]  # what the stories have in common, where any
    particular = sorted(shared or inside, key=lambda key: (-weight(key), key))[:NAME_CANDIDATES]
    if not particular:
        return "Other stories"
    closeness = embedder.embed([surface[key] for key in particular]) @ centroid
    best = [surface[key] for key in (particular[i] for i in np.argsort(-closeness, kind="stable")[:NAME_TERMS])]
    best = [term[:1].upper() + term[1:] for term in best]
    for first, second in itertools.permutations(best, 2):
        if all(f"{first} {second}" in texts[i] for i in members):  # one name: "Lordstown Motors", not "Lordstown, Motors"
            return f"{first} {second}"
    return ", ".join(best)


def _terms(text: str) -> dict[str, str]:
    """Lower-cased term -> how the text writes it (a name's capitals kept): names past a sentence's
    first word, and words of at least four letters that are not stop words."""
    found: dict[str, str] = {}
    for position, raw in enumerate(WORD.findall(text)):
        word = POSSESSIVE.sub("", raw).strip("-'’")
        key = word.lower()
        if len(word) < 3 or key in STOPWORDS or key in NOT_TOPICS or not word[:1].isalpha():
            continue
        is_name = word[:1].isupper() and position > 0
        if is_name or (len(word) >= 4 and key not in found):
            found[key] = word
    return found
