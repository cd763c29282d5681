"""A clone needs nothing outside itself: no sibling reference folder, no machine path.

The tracked files are copied into an empty temporary folder (a different absolute path, no siblings) and the
tests that read Sage's sample payloads run there, importing the copy rather than this checkout.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TESTS = ["sage_looker_tests/sage300/test_flatten.py", "sage_looker_tests/sage300/test_transport.py",
                "sage_looker_tests/sage300_sim/test_shapes.py"]
# What a newcomer's clone does not have: the reference folder beside the repository, or this machine's paths.
# (Spelled in pieces so that this file does not match its own check.)
OUTSIDE = re.compile("(" + "|".join(["/wo" + "rk/", r"\.\./sha" + r"red\b", "/sha" + "red/reference"]) + ")")
CHECKED = ("sage_looker/", "sage_looker_tests/", "dbt_looker_model/", "benchmarks/", "scripts/", "deploy/",
           "Makefile", "pyproject.toml", "workspace.yaml", ".ci/")


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.fail(f"the self-containment check needs a git checkout: {exc}")
    return [p for p in out.stdout.decode().split("\0") if p]


def test_no_tracked_file_points_outside_the_repository() -> None:
    hits = []
    for rel in _tracked():
        path = ROOT / rel
        if not rel.startswith(CHECKED) or rel.startswith("sage_looker_tests/data/") or path.name == Path(__file__).name:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        hits += [f"{rel}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
    assert not hits, "paths outside the repository:\n" + "\n".join(hits[:20])


def test_sample_payload_tests_pass_in_a_copy_with_no_siblings() -> None:
    with tempfile.TemporaryDirectory(prefix="sage_looker_clone_") as parent:
        clone = Path(parent) / "elsewhere"
        for rel in _tracked():
            src = ROOT / rel
            if src.is_file():
                dst = clone / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
        assert not (clone.parent / "shared").exists() and sorted(p.name for p in clone.parent.iterdir()) == ["elsewhere"]
        where = subprocess.run(
            [sys.executable, "-c", "import sage_looker, sage_looker_tests.samples as s; "
             "print(sage_looker.__file__); print(s.SAGE_SAMPLES)"],
            cwd=clone, capture_output=True, text=True, timeout=120, check=True).stdout.split()
        assert all(Path(p).resolve().is_relative_to(clone.resolve()) for p in where), where  # the copy, not here
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                              "-o", "addopts=", *SAMPLE_TESTS], cwd=clone, capture_output=True, text=True, timeout=600)
        tail = run.stdout[-3000:] + run.stderr[-2000:]
        assert run.returncode == 0, tail
        assert re.search(r"\b\d{2,} passed\b", run.stdout) and " skipped" not in run.stdout, tail
