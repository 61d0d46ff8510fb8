"""The wheel as a user installs it: built, installed into a fresh virtual environment, and used
from a folder outside the checkout, so nothing can be read from the source tree."""

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from tests.conftest import MODEL_DIR, PROJECT, TEST_DATA


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_installed_wheel_answers_from_its_own_prompts(tmp_path: Path):
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w",
        str(tmp_path / "dist"), str(PROJECT))
    wheel = next((tmp_path / "dist").glob("sourced-*.whl"))
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    site = next(environment.glob("lib/python*/site-packages"))
    # The dependencies come from this test's own environment (the machine has no network);
    # sourced itself only from the wheel: a path line in a .pth runs none of the editable hooks.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", str(environment / "bin" / "python"), "install", "--no-deps",
        "--quiet", str(wheel))

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "SOURCED_DATA_DIR": str(tmp_path / "data"), "SOURCED_MODEL_DIR": str(MODEL_DIR),
           "SOURCED_THREADS": "2"}
    env.pop("PYTHONPATH", None)
    located = run(str(environment / "bin" / "python"), "-c",
                  "import service.prompts as p; print(p.__file__); print(p.load_prompt('answer').id)",
                  cwd=outside, env=env).stdout.split()
    assert located[0].startswith(str(site)) and located[1] == "answer.v1"

    sourced = str(environment / "bin" / "sourced")
    run(sourced, "ingest", str(TEST_DATA / "seed_page.txt"), cwd=outside, env=env)
    answer = run(sourced, "ask", "--mode", "extractive", "Who is monitoring Alibaba's logistics hub?",
                 cwd=outside, env=env).stdout
    assert "intelligence service" in answer and "[1] \"" in answer
