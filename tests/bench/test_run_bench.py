"""bench/run_bench.py runs as a script (``make bench``), from any working directory."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "run_bench.py"


def test_the_script_imports_its_modules_and_lists_its_options(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    for option in ("--scale {full,large,small}", "--only", "--reuse-data", "--no-report"):
        assert option in done.stdout
    assert (
        "span_create,span_read,annotate_page,map_build,semantic_build,agreement,peer,export"
        in done.stdout
    )


def test_the_script_refuses_an_unknown_scale(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--scale", "huge"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 2
    assert "invalid choice: 'huge'" in done.stderr
