"""Bounds on what a caller may send, all from settings, each named in the error it raises.

Sizes (bodies, batches, texts) are 413; values out of range are 422; JSON nested deeper than
SOURCED_MAX_JSON_DEPTH is a 400 found by a linear scan before any parser recurses into it.
"""

from __future__ import annotations

import numpy as np
from flask import request

from service.errors import ProblemError
from service.ingest.pipeline import Failed, Source
from service.settings import ENV_PREFIX, Settings

OPENING = np.frombuffer(b"[{", dtype=np.uint8)
CLOSING = np.frombuffer(b"]}", dtype=np.uint8)
QUOTE, BACKSLASH = ord('"'), ord("\\")


def _setting(name: str) -> str:
    return ENV_PREFIX + name.upper()


def too_large(what: str, size: int, setting: str, limit: int, unit: str = "") -> ProblemError:
    return ProblemError(413, "Too large", f"{what} is {size:,}{unit}; the limit is {limit:,}{unit} "
                                          f"({_setting(setting)})")


def out_of_range(what: str, value: int, setting: str, limit: int) -> ProblemError:
    return ProblemError(422, "Out of range", f"{what} is {value:,}; the most allowed is {limit:,} "
                                                     f"({_setting(setting)})")


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in `raw`, ignoring brackets inside strings; linear time,
    vectorised, so a 10 MB body of brackets is scanned in milliseconds."""
    data = np.frombuffer(raw, dtype=np.uint8)
    if not len(data):
        return 0
    backslash = data == BACKSLASH
    positions = np.arange(len(data))
    last_other = np.maximum.accumulate(np.where(backslash, -1, positions))
    # A quote is escaped when an odd run of backslashes stands right before it.
    run_before = np.concatenate(([0], positions[:-1] - last_other[:-1]))
    real_quote = (data == QUOTE) & (run_before % 2 == 0)
    inside_string = (np.cumsum(real_quote) - real_quote) % 2 == 1
    steps = np.isin(data, OPENING).astype(np.int64) - np.isin(data, CLOSING)
    steps[inside_string | real_quote] = 0
    return int(np.cumsum(steps).max(initial=0))


def check_json_depth(raw: bytes, settings: Settings) -> None:
    if json_depth(raw) > settings.max_json_depth:
        raise ProblemError(400, "Bad Request", f"the JSON nests deeper than {settings.max_json_depth} levels "
                                               f"({_setting('max_json_depth')})")


def bounded_json(settings: Settings) -> None:
    """A `before_request` of the app, ahead of everything that parses the body. The parser would
    also read UTF-16 and UTF-32, whose bytes the depth scan cannot follow: JSON here is UTF-8."""
    if request.path.startswith("/v1/") and request.content_length != 0 and request.is_json:
        raw = request.get_data(cache=True)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProblemError(400, "Bad Request", "the body must be JSON in UTF-8") from None
        check_json_depth(raw, settings)


def check_batch(count: int, settings: Settings) -> None:
    if count > settings.max_batch_articles:
        raise too_large("the batch", count, "max_batch_articles", settings.max_batch_articles, " articles")


def bounded_item(item: Source | Failed, settings: Settings) -> Source | Failed:
    """An item whose metadata is too long fails alone, like any other invalid item."""
    if isinstance(item, Failed):
        return item
    for field, setting in (("title", "max_title_chars"), ("author", "max_author_chars"),
                           ("source", "max_source_chars"), ("url", "max_url_chars")):
        value, limit = getattr(item, field), getattr(settings, setting)
        if value is not None and len(value) > limit:
            return Failed(error=f"{field} is {len(value):,} characters; the limit is {limit:,} "
                                            f"({_setting(setting)})")
    return item


def check_title(title: str | None, settings: Settings) -> None:
    if title is not None and len(title) > settings.max_title_chars:
        raise too_large("the title", len(title), "max_title_chars", settings.max_title_chars, " characters")


def check_urls(items: list[Source | Failed], settings: Settings) -> None:
    """Each URL is fetched in turn within the request, under its own deadline: bounded so that
    one request cannot hold a worker for many deadlines."""
    urls = sum(1 for item in items if isinstance(item, Source) and item.fetches)
    if urls > settings.max_batch_urls:
        raise too_large("the batch", urls, "max_batch_urls", settings.max_batch_urls, " URLs to fetch")


def check_page(limit: int, offset: int, settings: Settings) -> None:
    if limit > settings.max_limit:
        raise out_of_range("limit", limit, "max_limit", settings.max_limit)
    if offset > settings.max_offset:
        raise out_of_range("offset", offset, "max_offset", settings.max_offset)


def check_question(question: str | None, messages: list | None, settings: Settings) -> None:
    if question is not None and len(question) > settings.max_question_chars:
        raise too_large("the question", len(question), "max_question_chars", settings.max_question_chars,
                        " characters")
    if messages is not None:
        if len(messages) > settings.max_messages:
            raise too_large("the conversation", len(messages), "max_messages", settings.max_messages, " messages")
        longest = max(len(m.content) for m in messages)
        if longest > settings.max_message_chars:
            raise too_large("a message", longest, "max_message_chars", settings.max_message_chars, " characters")


def check_article_ids(ids: list[str] | None, settings: Settings) -> None:
    if ids is not None and len(ids) > settings.max_summary_articles:
        raise too_large("the list of article ids", len(ids), "max_summary_articles", settings.max_summary_articles)


def check_words(words: int | None, settings: Settings) -> None:
    if words is not None and words > settings.max_summary_words:
        raise out_of_range("words", words, "max_summary_words", settings.max_summary_words)
