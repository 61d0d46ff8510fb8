"""`sourced eval summaries` over a real Chroma with the LLM faked at the litellm seam: a summary
that turns a report into the digest's own claim is counted, and the review file is written."""

import json
import re

from eval import summaries
from tests.conftest import fake_runtime

# Untitled, as SummEdits' documents are: the lead becomes the title, so the fake summarises the rest.
DOCUMENTS = [
    "Airport officials met on Monday. "
    "Belgium's intelligence service is monitoring the cargo hub at Liege airport, the newspaper reported. "
    "The hub opened in 2021 and employs 900 people.",
    "Heavy rain flooded the river valley on Sunday. Two bridges were closed. About 300 homes lost power.",
]


def dropping_the_report(messages):
    """The second sentence as the summary's own claim (its attribution dropped), the third as written."""
    numbered = dict(re.findall(r"^\[(\d+)\] (.*)$", messages[-1]["content"], flags=re.M))
    second = re.sub(r", the newspaper reported\.$", ".", numbered["2"])
    return f"{second} [2] {numbered['3']} [3]"


def test_dropped_attributions_are_counted_and_kept_sentences_go_to_review(settings, tmp_path):
    runtime, _ = fake_runtime(settings, dropping_the_report, checker_judge="none")
    data = tmp_path / "docs.jsonl"
    data.write_text("".join(json.dumps({"document": d, "summary": "-", "label": 1}) + "\n" for d in DOCUMENTS))
    figures = summaries.run(runtime, data, tmp_path / "out")
    assert figures["documents"] == 2 and figures["sentences"] == figures["sentences_shown"] == 4
    assert figures["drops_attribution_or_hedge_as_written"] == 1 / 4  # the report stated as fact
    assert figures["drops_attribution_or_hedge"] == 0.0  # shown: the quote took its place
    review = (tmp_path / "out" / "summaries-docs-review.md").read_text()
    assert review.count("Sentence: ") == 4  # the kept sentences, each with its quote
    assert "Sentence: Belgium's intelligence service is monitoring the cargo hub at Liege airport, the newspaper" in review
    assert "> [1] Two bridges were closed." in review
    shown = [json.loads(line) for line in (tmp_path / "out" / "summaries-docs-shown.jsonl").read_text().splitlines()]
    assert len(shown) == 4 and all(record["supported"] and record["quotes"] for record in shown)
