"""What `sourced ingest` reads: files, folders, JSONL, URLs and standard input, as items."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from service.ingest.extract import ExtractionError, decode_body
from service.ingest.pipeline import Failed, Source, parse_item, parse_jsonl

Item = tuple[str, Source | Failed]  # (where it came from: "file:line", the URL, ...), the item
URL = re.compile(r"^https?://", re.IGNORECASE)


def items_from(target: str, stdin: BinaryIO) -> Iterator[Item]:
    """Items from a URL, `-` (standard input), a file, or every file under a folder."""
    if URL.match(target):
        yield target, Source(url=target)
    elif target == "-":
        yield from _items_from_bytes(stdin.read(), "<stdin>", suffix=None)
    else:
        path = Path(target)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files = [path]
        else:
            raise FileNotFoundError(f"{target}: no such file, folder or URL")
        for file in files:
            yield from _items_from_bytes(file.read_bytes(), str(file), file.suffix.lower())


def _items_from_bytes(raw: bytes, name: str, suffix: str | None) -> Iterator[Item]:
    head = raw.lstrip()[:1]
    if suffix == ".jsonl" or (suffix is None and head == b"{"):
        for line_number, item in parse_jsonl(raw.splitlines()):
            yield f"{name}:{line_number}", item
        return
    try:
        text = decode_body(raw)
    except ExtractionError as exc:
        yield name, Failed(error=str(exc))
        return
    if suffix == ".json":
        yield from _items_from_json(text, name)
    elif suffix in {".html", ".htm"} or (suffix is None and head == b"<"):
        yield name, Source(html=text)
    else:
        yield name, Source(page_text=text)


def _items_from_json(text: str, name: str) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield name, Failed(error=f"not JSON ({exc.msg})")
        return
    for position, entry in enumerate(data if isinstance(data, list) else [data]):
        yield f"{name}[{position}]", parse_item(entry)
