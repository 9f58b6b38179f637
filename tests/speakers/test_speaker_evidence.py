"""Speaker detection split in two: the audio work on its own thread beside recognition, then the
transcript's spans; the voice encoder read and run without torch."""
from __future__ import annotations

import pickle
import subprocess
import sys
import threading

import numpy as np
import pytest

from captioner.errors import MediaError
from captioner.media.audio import decode
from captioner.media.speech_activity import SAMPLE_RATE, speech_frames
from captioner.speakers.diarize import EvidenceThread, SpeakerOptions, detect, detect_turns, gather_evidence
from captioner.speakers.embeddings import embed_frames, encoder_input, weights_path
from captioner.speakers.torch_weights import load_legacy
from tests.support.paths import SAMPLE_TRUTH, real


@pytest.fixture(scope="module")
def two_voices() -> tuple[np.ndarray, list[tuple[float, float]]]:
    """100 s of the sample (three voices) and the spans of the sentences wholly inside its first 80 s."""
    import json

    from tests.support.paths import SAMPLE

    audio = decode(SAMPLE)[: 100 * SAMPLE_RATE]
    truth = json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))
    spans = [(s["start"], s["end"]) for s in truth["sentences"] if s["end"] <= 80]
    return audio, spans


def test_evidence_gathered_before_the_spans_gives_the_same_turns(two_voices):
    audio, spans = two_voices
    direct = detect_turns(audio, SAMPLE_RATE, speech_spans=spans, max_speakers=3)
    evidence = gather_evidence(audio)  # every window of detected speech, as the thread computes it
    known = len(evidence.embeddings)
    assert known > 20
    later = detect(evidence, speech_spans=spans, max_speakers=3)
    assert later == direct
    assert len({t.speaker for t in later}) >= 2
    assert max(t.end for t in later) <= spans[-1][1] + 1.0  # the spans still bound the turns


def test_evidence_thread_result_matches_detection_on_the_file():
    path = real("stereo_diarization.wav")
    thread = EvidenceThread(path)
    assert detect(thread.result()) == detect(path)
    assert {t.speaker for t in detect(thread.result())} == {"S1", "S2"}


def test_evidence_thread_reports_a_bad_file_when_asked_and_cancel_stops_it(tmp_path):
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all" * 100)
    thread = EvidenceThread(broken)
    with pytest.raises(MediaError):
        thread.result()
    stop = threading.Event()
    stop.set()
    with pytest.raises(Exception) as caught:
        embed_frames(np.zeros((500, 40), np.float32), [(0, 150)], stop=stop)
    assert type(caught.value).__name__ == "CancelledError"


def test_embeddings_do_not_depend_on_the_batch_they_were_computed_in(two_voices):
    audio, _ = two_voices
    mel = encoder_input(audio)
    windows = [(s, s + 150) for s in range(0, 3000, 75)]
    together = embed_frames(mel, windows)
    alone = np.stack([embed_frames(mel, [w])[0] for w in windows[:5]])
    assert np.allclose(together[:5], alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_memory_lean_blocks_give_the_whole_array_results(two_voices):
    audio, _ = two_voices
    from captioner.media import speech_activity
    whole = speech_frames(audio)
    old = speech_activity.BLOCK_FRAMES
    speech_activity.BLOCK_FRAMES = 999  # blocks not aligned to anything
    try:
        assert np.array_equal(speech_frames(audio), whole)
    finally:
        speech_activity.BLOCK_FRAMES = old


def test_legacy_weights_reader_matches_torch_and_refuses_other_objects(tmp_path):
    import torch

    ours = load_legacy(weights_path())["model_state"]
    theirs = torch.load(weights_path(), map_location="cpu", weights_only=True)["model_state"]
    assert set(ours) == set(theirs)
    for name, tensor in theirs.items():
        assert np.array_equal(ours[name], tensor.numpy()), name
    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as fh:
        for part in (0x1950A86A20F9469CFC6C, 1001, {}):
            pickle.dump(part, fh, protocol=2)
        pickle.dump(subprocess.Popen, fh, protocol=2)  # a class that must never be loaded
    with pytest.raises(ValueError):
        load_legacy(evil)


def test_speaker_detection_does_not_import_torch():
    code = ("import sys; from captioner.speakers.diarize import detect; "
            f"turns = detect({str(real('jfk.flac'))!r}); "
            "assert turns, 'no turns'; assert 'torch' not in sys.modules, 'torch was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_speaker_options_windows_changed_after_gathering_still_work(two_voices):
    audio, spans = two_voices
    evidence = gather_evidence(audio)
    other = SpeakerOptions(window=1.2, hop=0.6)
    assert detect(evidence, speech_spans=spans, options=other) == detect_turns(
        audio, SAMPLE_RATE, speech_spans=spans, options=other)


@pytest.mark.parametrize("name", ["stereo_diarization.wav", "jfk.flac", "hotwords.mp3", "multilingual.mp3"])
def test_lean_decoding_gives_faster_whispers_numbers_mono_and_by_channel(name):
    from faster_whisper.audio import decode_audio

    from captioner.media.channels import decode_channels, decode_mono

    left, right = decode_channels(real(name))
    expected_left, expected_right = decode_audio(str(real(name)), split_stereo=True)
    assert left.dtype == np.float32 and len(left) > SAMPLE_RATE
    assert np.array_equal(left, expected_left) and np.array_equal(right, expected_right)
    assert (left is right) == np.array_equal(expected_left, expected_right)  # a mono file is kept once
    mono = decode_mono(real(name))
    assert mono.dtype == np.float32 and np.array_equal(mono, decode_audio(str(real(name))))


def test_lean_channel_decoding_of_a_text_file_is_a_media_error(tmp_path):
    from captioner.media.channels import decode_channels

    fake = tmp_path / "notes.mp3"
    fake.write_text("these are meeting notes, not audio\n" * 50)
    with pytest.raises(MediaError):
        decode_channels(fake)


def test_a_run_whose_recognition_fails_stops_the_speaker_thread(tmp_path, monkeypatch):
    from captioner.errors import ModelError
    from captioner.pipeline import run as pipeline

    started = []
    real_thread = pipeline.EvidenceThread

    def watched(path):
        started.append(real_thread(path))
        return started[-1]

    def fail(*args, **kwargs):
        raise ModelError("recognition failed")

    monkeypatch.setattr(pipeline, "EvidenceThread", watched)
    monkeypatch.setattr(pipeline.Stages, "transcribe", fail)
    with pytest.raises(ModelError):
        pipeline.run_one(real("stereo_diarization.wav"), pipeline.RunOptions(out_dir=tmp_path, glossary_paths=[]))
    assert len(started) == 1 and not started[0]._thread.is_alive()
    assert "evidence" not in started[0]._outcome  # stopped, not left to finish its pass


def test_lean_decoding_grows_past_a_short_guess_of_the_length():
    from captioner.media.channels import _Growing

    pieces = [np.full(11_000, k, dtype=np.int16) for k in range(1, 5)]
    buffer = _Growing(SAMPLE_RATE)  # a container that said 1 s, for 2.75 s of samples
    for piece in pieces:
        buffer.append(piece)
    assert np.array_equal(buffer.result(), np.concatenate(pieces).astype(np.float32) / 32768.0)
