"""The `sourced` command as a user types it, over a fresh data directory and the real embedder."""

import json

from click.testing import CliRunner

from service.cli import main
from tests.conftest import TEST_DATA


def test_ingest_takes_files_folders_and_jsonl_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCED_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "rail.txt").write_text("Rail workers will strike on Friday, the union said. The strike is over pay.")
    batch = tmp_path / "news.jsonl"
    batch.write_text(json.dumps({"id": "flood", "text": "The river flooded the valley on Sunday, officials said."})
                     + "\n" + "{not json\n")
    result = CliRunner().invoke(main, ["ingest", str(TEST_DATA / "seed_page.txt"), str(folder), str(batch)])
    assert result.exit_code == 1  # the malformed line fails alone
    assert "added 3, replaced 0, unchanged 0, failed 1" in result.output
    assert f"{batch}:2" in result.output and "not JSON" in result.output
    again = CliRunner().invoke(main, ["ingest", str(folder), str(TEST_DATA / "seed_page.txt")])
    assert again.exit_code == 0 and "unchanged 2" in again.output
