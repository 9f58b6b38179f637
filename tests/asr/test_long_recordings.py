"""A long recording is recognised in parts cut in its pauses, its words at the recording's times."""
from __future__ import annotations

import numpy as np
import pytest

import captioner.asr.recognize as asr
from captioner.asr.recognize import DRAFT_MODEL, AsrOptions, recognition_parts, transcribe_audio
from captioner.media.audio import SAMPLE_RATE, decode
from tests.asr.test_speech_repair import with_silence_after
from tests.support.paths import real
from tests.support.textnorm import normalize


@pytest.mark.speech_model
def test_parts_are_cut_in_the_pauses_and_keep_the_recordings_times(monkeypatch):
    jfk = with_silence_after(decode(real("jfk.flac")), 4.0)  # 11 s of speech, 4 s of room
    audio = np.concatenate([jfk, jfk, jfk])
    copy = len(jfk) / SAMPLE_RATE
    whole = transcribe_audio(jfk, AsrOptions(model=DRAFT_MODEL))
    monkeypatch.setattr(asr, "PART_SECONDS", copy)
    monkeypatch.setattr(asr, "CUT_SEARCH_SECONDS", 3.0)

    parts = recognition_parts(audio)
    assert len(parts) == 3 and parts[0][0] == 0 and parts[-1][1] == len(audio)
    for k, (_, last) in enumerate(parts[:-1], start=1):  # in the 4 s of room after a copy's speech
        assert k * copy - 3.5 < last / SAMPLE_RATE < k * copy + 0.3

    transcript = transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL))
    said = normalize(whole.text)
    assert normalize(transcript.text) == " ".join([said] * 3)
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    n = len(whole.words)
    for k in (1, 2):  # each copy's words at its own time: the first's plus the offset
        copied = transcript.words[k * n:(k + 1) * n]
        errors = sorted(abs(c.start - (w.start + k * copy)) for c, w in zip(copied, whole.words))
        # a short word after a pause may start anywhere in it ("so, ... my": 0.32 s apart with
        # CTranslate2's AVX2 kernels on an AMD EPYC); a part put at the wrong time is seconds off
        assert errors[len(errors) // 2] <= 0.05 and errors[-1] <= 0.5, errors


def test_a_recording_under_one_and_a_half_parts_is_recognised_whole():
    audio = np.zeros(int(1.5 * asr.PART_SECONDS * SAMPLE_RATE), dtype=np.float32)
    assert recognition_parts(audio) == [(0, len(audio))]
