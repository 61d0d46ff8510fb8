"""The image's shape, read from the Dockerfile (no Docker daemon in CI): the toolchain stays in
the build stage and the service runs as an unprivileged user that cannot listen open by accident."""

from __future__ import annotations

import re

from tests.conftest import PROJECT

DOCKERFILE = (PROJECT / "Dockerfile").read_text()
STAGES = re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)[1:]


def instructions(stage: str, keyword: str) -> list[str]:
    return re.findall(rf"^{keyword} (.+(?:\\\n.+)*)", stage, flags=re.MULTILINE)


def test_the_compiler_toolchain_stays_in_the_build_stage():
    assert len(STAGES) == 2
    build, runtime = STAGES
    assert "build-essential" in build and "cmake" in build
    for tool in ("build-essential", "cmake", "gcc", "g++", "git"):
        assert not re.search(rf"\b{re.escape(tool)}\b", "".join(instructions(runtime, "RUN"))), tool
    assert instructions(runtime, "COPY") == ["--from=build /app /app"]


def test_the_service_runs_as_a_non_root_user_with_no_open_override():
    runtime = STAGES[-1]
    users = instructions(runtime, "USER")
    assert users and users[-1].strip() not in {"root", "0"}
    assert "useradd" in runtime
    assert "SOURCED_ALLOW_OPEN" not in "".join(instructions(runtime, "ENV"))
