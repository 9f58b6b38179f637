"""Shared fixtures: paths to real recordings and one pipeline run on the sample."""
from __future__ import annotations

import pytest

from tests.support.paths import SAMPLE, SAMPLE_TRUTH


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
