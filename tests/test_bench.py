"""Every benchmark runs, in its smallest form: a benchmark that no longer starts measures nothing
(one did, after a module moved). What they print is read by people; only that they finish with
their tables is checked here, never a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SMALLEST = {
    "replay_scale.py": (["--sizes", "20,40", "--roles", "engineer"], "ratios to the bare Textual app"),
    "import_read.py": (["--runs", "1", "--sizes", "20"], "ratio"),
    "import_scale.py": (["--samples", "20", "--runs", "1"], "per sample"),
    "library_scale.py": (["--sizes", "20,40", "--runs", "1"], "title 40/empty"),
    "record_throughput.py": (["--trials", "8", "--concurrency", "4", "--latency", "0.01", "--repeat", "1"],
                             "the ideal"),
    "startup.py": (["--runs", "1"], "ratio first paint / bare"),
    "classify_accuracy.py": (["--sets", "table,dev", "--no-misses"], "confidence"),
}


def test_every_benchmark_is_listed_here():
    assert sorted(p.name for p in (ROOT / "bench").glob("*.py")) == sorted(SMALLEST)


@pytest.mark.parametrize("script", sorted(SMALLEST))
def test_the_benchmark_runs_to_its_table(script, tmp_path):
    args, expected = SMALLEST[script]
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert expected in done.stdout and "Traceback" not in done.stderr
