"""Where the tests' data is: the repository, the shared real recordings, the sample."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real"
SAMPLE = ROOT / "recordings" / "view-to-a-border.mp3"
SAMPLE_TRUTH = ROOT / "recordings" / "view-to-a-border.truth.json"
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")  # what jfk.flac says


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.fail(f"missing shared test recording {path}")
    return path
