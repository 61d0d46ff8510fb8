"""Every tuned number of the answer and summary pipelines, in one place, with why it has its value.

The policies are frozen and built once from the settings (and, for floors in the
reranker's units, from the reranker in use); stages receive the policy they follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.settings import Settings


@dataclass(frozen=True)
class AnswerPolicy:
    # Floors in the reranker's units (each reranker says how its own were set):
    # below `relevance_floor` no retrieved sentence answers, so the answer is "not in the
    # sources" and no model is asked; below `offer_floor` a sentence is about something else
    # and is not offered to the generator at all.
    relevance_floor: float
    offer_floor: float
    # When the model declines or none of its sentences holds up, the best passages themselves
    # answer where their articles name something the question names and the best scores at
    # least this (reranker units), or name all it names; else "not in the sources".
    quote_floor: float
    # ... or where the best sentence opens its article on a subject the article never names
    # ("It has a sister school in Carle Place, New York") and scores at least this: no name in it
    # can show what it is about, so its score alone must.
    unnamed_floor: float
    # Retrieval: the chunks whose sentences the reranker scores. Six chunks of ~800 characters
    # hold the answer's passage for 96 of the first 100 HaluEval questions.
    chunk_candidates: int = 6
    # Asked of the vector and the keyword index before fusion: three per kept chunk, so that a
    # chunk found by one index alone still reaches the fused list.
    candidates_per_index: int = 18
    # The cross-encoder costs ~10 ms a sentence on 2 cores: the first 16 in fused order.
    scored_sentences: int = 16
    # Weight of the article's best sentence score in each of its sentences' rank, so that the
    # second half of an answer ("why") stays beside the first.
    article_prior: float = 0.5
    # Characters of source sentences in the prompt. With the worked-example turns, 1450 keeps
    # bench/ask.py's 10k-chunk prompts at about 700 tokens; more slowed the 1.5B model and
    # let off-topic sentences crowd out the ones that answer.
    passage_budget_chars: int = 1450
    # Above the checker's balanced threshold (0.5): a reader is hurt more by a kept sentence its
    # quotes do not support than by an answer that says less.
    min_support: float = 0.7
    # The extractive answer: at most three sentences, each within 3 reranker logits of the best,
    # so a stray sentence from another story is not stitched in.
    extractive_sentences: int = 3
    extractive_margin: float = 3.0
    # Condensing a follow-up: the last six turns, and a one-line question.
    condense_turns: int = 6
    condense_max_tokens: int = 60

    @classmethod
    def from_settings(cls, settings: Settings, *, relevance_floor: float, offer_floor: float, quote_floor: float,
                      unnamed_floor: float) -> AnswerPolicy:
        """The floors are the reranker's own, in its units; SOURCED_MIN_RELEVANCE overrides the first."""
        floor = settings.min_relevance if settings.min_relevance is not None else relevance_floor
        return cls(relevance_floor=floor, offer_floor=offer_floor, quote_floor=max(quote_floor, floor),
                   unnamed_floor=max(unnamed_floor, floor),
                   min_support=settings.answer_min_support)


@dataclass(frozen=True)
class SummaryPolicy:
    # Default word budgets per style: a headline line, a paragraph, a few bullets, a newsletter item.
    default_words: dict[str, int] = field(
        default_factory=lambda: {"headline": 14, "brief": 60, "bullets": 80, "newsletter": 110})
    # Source sentences given to the model (about 380 tokens, some seven sentences: five times a
    # brief's 60 words): the embedded 1.5B model reads ~40 tokens/s, so each 100 tokens offered
    # cost a digest 2.5 s a story, and it invents more on long inputs.
    select_chars: int = 1500
    # News puts the main facts first: the lead sentence's salience gets +0.3, the next +0.15, ...
    lead_bonus: float = 0.3
    # The checker's probability a summary sentence needs to be kept: the answers' bar. At the
    # balanced 0.5, an independent reader found 13 of 30 kept sentences not fully supported by
    # their quotes; every one the reader passed scored at least 0.74.
    min_support: float = 0.7
    # A summary sentence shortens its quotes: their words in their order, and at most this many
    # content words of its own (a reader checks it against them; see verify.shortens). Of 60 kept
    # sentences an independent reader judged over two rounds, 35 of the 39 fully supported met
    # this and 16 of the 21 not supported did not; the checker's judge had passed them all.
    max_new_words: int = 1
    # Key facts: a sentence with a number, a named actor, or a reason or consequence gets this
    # much more salience for each; one as close as `repeat_similarity` to a sentence already
    # chosen (or to the headline) says nothing new and is skipped.
    fact_bonus: float = 0.08
    repeat_similarity: float = 0.85
    # A written sentence sharing this share of its content words with the headline or an earlier
    # sentence repeats it, and is dropped.
    repeat_overlap: float = 0.7
    # A sentence the story's earlier sentences support this strongly (the checker reading them as
    # its quotes) restates them in other words, and is dropped: "Moderna has begun to see its
    # sales take a downward trajectory" after "Moderna's revenues ... have begun an anticipated
    # decline" scored 0.87. Binance's "The transfers involved more than a billion dollars worth of
    # assets that were meant to back stablecoins" after "Binance transferred nearly $1.8 billion
    # worth of stablecoins collateral" scored 0.52, and tells what the collateral was for.
    restatement_support: float = 0.8
    # Sentences past this share of the word budget are cut, whole.
    budget_slack: float = 1.25
    # A summary shorter than this share of its word budget, showing at most this share of the
    # sentences offered, says little of a long article: it goes on with the article's salient
    # sentences (see summarize.filled_out). In the example digest, six of 25 stories were told in one
    # sentence of 15 to 23 words of 60, one of them only the background to its headline; a summary
    # of a three-sentence article in one or two is not thin. Nor is one of a single sentence, unless
    # the article is long: the chips story was only its 33-word lead ("unveiled new details").
    thin_share: float = 0.5
    thin_sentences: int = 1
    thin_sentence_share: float = 0.25
    # The accused's answer may take a story this share past its budget: the European Commission's
    # TikTok ban went without ByteDance's "We are disappointed with this decision" for want of
    # three words in 75.
    reply_overrun: float = 0.1
    # Output tokens for a summary of N words: about two tokens a word, plus the citation markers.
    tokens_per_word: int = 2
    token_overhead: int = 60
    # An unsupported sentence gives way to a quote it cites that shares at least this share of its
    # content words; one that shares less was not about that quote, and is dropped.
    quote_overlap: float = 0.34
    # Two articles whose headline and summary embed this close report one story (two outlets on the
    # European Commission's TikTok ban: 0.73 and 0.68 in two builds of the example digest; the
    # closest two other stories, two Webb telescope observations: 0.60 and 0.56): the digest shows
    # it once, the other report under it.
    same_story_similarity: float = 0.64
    # Two articles whose openings embed this close report one story, whatever their summaries say:
    # the model summarised those two TikTok reports from different sentences in the c8846de build
    # (0.62, so they were shown twice), while their openings are 0.87 alike; the closest two
    # other articles, the two Webb observations (both open with the same CNN newsletter line): 0.61.
    same_opening_similarity: float = 0.75
    # Digest sections: stories join when their average cosine distance is below this (unrelated
    # news is ~0.8 apart), and a digest has at most this many sections: the example digest's 26
    # stories fill nine desks with two or more stories each besides "In brief".
    section_join_distance: float = 0.6
    most_sections: int = 10

    def words_for(self, style: str, words: int | None) -> int:
        return words or self.default_words[style]

    def max_tokens(self, words: int) -> int:
        return self.tokens_per_word * words + self.token_overhead
