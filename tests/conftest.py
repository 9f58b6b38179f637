"""Shared fixtures: paths to real recordings and one pipeline run on the sample."""
from __future__ import annotations

import pytest

from tests.support.paths import SAMPLE, SAMPLE_TRUTH


def pytest_configure(config):
    """Where `-m` leaves out the tests that need the speech model, loading one fails loudly, so a
    test that needs it but lacks its marker cannot pass unnoticed in `make test-fast`."""
    if "not speech_model" in (config.getoption("markexpr") or ""):
        import faster_whisper

        def refuse(*args, **kwargs):
            raise RuntimeError("this test loads a Whisper model: mark it @pytest.mark.speech_model")

        faster_whisper.WhisperModel.__init__ = refuse


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
