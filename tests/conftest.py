"""Shared fixtures: paths to real recordings and one pipeline run on the sample."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
SAMPLE = ROOT / "recordings" / "view-to-a-border.mp3"
SAMPLE_TRUTH = ROOT / "recordings" / "view-to-a-border.truth.json"
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")  # what jfk.flac says

for extra in (ROOT / "tests", ROOT / "scripts"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.fail(f"missing shared test recording {path}")
    return path


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory):
    """One full `captioner run` of the sample recording, shared by every test that reads it."""
    from captioner.pipeline.run import RunOptions, run_one

    out = tmp_path_factory.mktemp("sample-run")
    result = run_one(SAMPLE, RunOptions(out_dir=out, languages=["es"]))
    return result


@pytest.fixture(scope="session")
def sample_truth():
    import json

    return json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))
