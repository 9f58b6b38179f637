"""The recogniser's fallback: a token budget per window stops a derailed decoder early."""
from __future__ import annotations

import pytest
from faster_whisper.audio import pad_or_trim

from captioner.asr import whisper_model
from captioner.asr.recognize import DRAFT_MODEL, AsrOptions, load_model, transcribe_audio
from captioner.glossary.formats import load_glossaries
from captioner.media.audio import SAMPLE_RATE, decode
from captioner.pipeline.run import bias_options
from tests.support.paths import JFK_TEXT, ROOT, real
from tests.support.textnorm import wer


@pytest.fixture(scope="module")
def jfk_audio():
    return decode(real("jfk.flac"))


@pytest.fixture(scope="module")
def glossary_hotwords():
    glossary = load_glossaries([ROOT / "glossary" / "counter-terrorism.yaml"])
    options = bias_options(AsrOptions(model=DRAFT_MODEL), "hotwords", glossary, None)
    assert options.hotwords
    return options


@pytest.mark.speech_model
def test_window_seconds_are_read_from_padded_features(jfk_audio):
    model = load_model(AsrOptions(model=DRAFT_MODEL))
    features = model.feature_extractor(jfk_audio[: int(1.18 * SAMPLE_RATE)])
    padded = pad_or_trim(features)
    assert padded.shape[-1] == 3000
    assert whisper_model.content_seconds(padded) == pytest.approx(1.18, abs=0.02)
    assert whisper_model.content_seconds(padded[None]) == pytest.approx(1.18, abs=0.02)


@pytest.mark.speech_model
def test_with_hotwords_jfk_ends_where_its_speech_ends(jfk_audio, glossary_hotwords):
    # On an Intel CPU with AVX-512, tiny.en given the counter-terrorism hotwords and no token
    # budget follows the last words of jfk.flac with "see you in the next video" until the
    # model's length limit; on an AVX2-only AMD CPU it does not. What must hold on both: the
    # budgeted decoding writes the speech and nothing after it (test_an_attempt_stops_at_its_budget
    # shows the budget stopping an attempt on any CPU).
    text = transcribe_audio(jfk_audio, glossary_hotwords).text
    assert wer(JFK_TEXT, text) <= 0.1
    assert "video" not in text
    assert text.rstrip().endswith("for your country.")


@pytest.mark.speech_model
def test_an_attempt_stops_at_its_budget(jfk_audio, monkeypatch):
    monkeypatch.setattr(whisper_model, "TOKENS_PER_SECOND", 0)
    monkeypatch.setattr(whisper_model, "TOKENS_ALWAYS", 4)
    transcript = transcribe_audio(jfk_audio, AsrOptions(model=DRAFT_MODEL, repair=False))  # the attempt alone
    assert 0 < len(transcript.words) <= 4
    assert transcript.text.split()[0] == "And"
