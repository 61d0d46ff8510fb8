"""Loading the labelled sets in ../shared/data and taking seeded, stratified samples."""

from __future__ import annotations

import json
import random
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_jsonl(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def stratified_sample(rows: list[dict], limit: int | None, seed: int = 13, key: str = "label") -> list[dict]:
    """`limit` rows with the classes in their original proportions (at least one of each), same
    rows for the same seed; all rows, in file order, when limit is None or not smaller."""
    if limit is None or limit >= len(rows):
        return rows
    rng = random.Random(seed)
    classes: dict[object, list[int]] = {}
    for i, row in enumerate(rows):
        classes.setdefault(row[key], []).append(i)
    chosen: list[int] = []
    for members in classes.values():
        share = max(1, round(limit * len(members) / len(rows)))
        chosen += rng.sample(members, min(share, len(members)))
    return [rows[i] for i in sorted(chosen)]
