"""Speech recognition with the real bundled tiny.en model (the fast draft; base is in test_base_model.py)."""
from __future__ import annotations

import pytest

from captioner.asr.recognize import (
    DRAFT_MODEL,
    AsrOptions,
    bundled_model_path,
    load_model,
    resolve_model,
    transcribe_audio,
)
from captioner.errors import ModelError
from captioner.media.audio import decode
from tests.support.paths import JFK_TEXT, real
from tests.support.textnorm import wer


@pytest.fixture(scope="module")
def jfk_transcript():
    return transcribe_audio(decode(real("jfk.flac")), AsrOptions(model=DRAFT_MODEL))


def test_bundled_draft_model_resolves_offline():
    path = bundled_model_path()
    assert path is not None and (path / "model.bin").exists()
    target, description = resolve_model("tiny.en")
    assert target == str(path)
    assert "bundled" in description


@pytest.mark.speech_model
def test_jfk_word_error_rate(jfk_transcript):
    # tiny.en gets this clip word for word; 0.1 allows two slips in 22 words.
    assert wer(JFK_TEXT, jfk_transcript.text) <= 0.1
    assert jfk_transcript.language == "en"


@pytest.mark.speech_model
def test_words_have_ordered_times_and_probabilities(jfk_transcript):
    words = jfk_transcript.words
    assert len(words) >= 20
    for before, after in zip(words, words[1:]):
        assert before.start <= before.end <= after.start + 0.01
    assert all(0.0 < w.probability <= 1.0 for w in words)
    assert words[-1].end <= 11.0
    # "country." is said at the very end of the clip, after 9.5 s
    assert words[-1].text.lower().startswith("country") and words[-1].start > 9.0


@pytest.mark.speech_model
def test_times_are_python_floats_so_a_cached_transcript_gives_the_same_captions(jfk_transcript):
    # numpy rounds 58.7975 to 58.798 and Python to 58.797: a correction's word times computed from
    # numpy floats differed by a millisecond from the same ones computed after reading asr.json back
    values = [v for s in jfk_transcript.segments for v in (s.start, s.end)]
    values += [v for w in jfk_transcript.words for v in (w.start, w.end, w.probability)]
    assert values and {type(v) for v in values} == {float}


@pytest.mark.speech_model
def test_english_only_model_warns_about_the_german_half():
    transcript = transcribe_audio(decode(real("multilingual.mp3")), AsrOptions(model=DRAFT_MODEL))
    assert transcript.segments, "the English half must still be transcribed"
    assert any("multilingual model" in w for w in transcript.warnings)


@pytest.mark.speech_model
def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(ModelError, match="unknown model 'no-such-model'"):
        load_model(AsrOptions(model="no-such-model"))


@pytest.mark.speech_model
def test_model_name_not_downloadable_offline_says_what_to_do(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="--model PATH"):
        load_model(AsrOptions(model="small"))


def test_folder_without_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="no model.bin"):
        resolve_model(str(tmp_path))


@pytest.mark.speech_model
def test_batched_pipeline_gives_words_with_times():
    transcript = transcribe_audio(decode(real("jfk.flac")), AsrOptions(model=DRAFT_MODEL, batch_size=8))
    assert wer(JFK_TEXT, transcript.text) <= 0.1
    assert transcript.options["batch_size"] == 8
    assert transcript.words[-1].end <= 11.0 and transcript.words[0].start < 1.0
