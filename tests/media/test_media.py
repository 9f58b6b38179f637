"""Probing and decoding input media: what works, and the errors for what does not."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from captioner.errors import MediaError
from captioner.media.audio import decode, probe
from tests.support.paths import real


def make_video_without_audio(path):
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 20, dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def make_opus(path, seconds=1.0):
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        t = np.arange(int(48000 * seconds)) / 48000
        samples = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for start in range(0, len(samples), 960):
            frame = av.AudioFrame.from_ndarray(samples[None, start:start + 960], format="flt", layout="mono")
            frame.sample_rate = 48000
            frame.pts = start
            frame.time_base = Fraction(1, 48000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_probe_real_flac_reports_duration_channels_and_hash():
    info = probe(real("jfk.flac"))
    assert info.duration == pytest.approx(11.0, abs=0.1)
    assert info.channels == 2
    assert info.has_video is False
    assert len(info.sha256) == 64


def test_decode_gives_16khz_mono_and_stereo_pairs():
    audio = decode(real("jfk.flac"))
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) / 16000 == pytest.approx(11.0, abs=0.1)
    left, right = decode(real("stereo_diarization.wav"), split_stereo=True)
    assert len(left) == len(right) == pytest.approx(5 * 16000, abs=160)


def test_opus_in_ogg_decodes(tmp_path):
    path = tmp_path / "tone.opus"
    make_opus(path)
    assert probe(path).duration == pytest.approx(1.0, abs=0.05)
    assert len(decode(path)) == pytest.approx(16000, abs=400)


@pytest.mark.parametrize("name, content, message", [
    ("empty.mp3", b"", "empty"),
    ("notes.mp3", b"these are my notes, not audio\n" * 20, "not an audio or video file"),
    ("random.wav", bytes(range(256)) * 40, "not"),
])
def test_bad_files_give_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MediaError, match=message) as err:
        probe(path)
    assert "\n" not in str(err.value)
    assert str(path) in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "missing.wav")
    with pytest.raises(MediaError, match="folder"):
        probe(tmp_path)


def test_video_without_audio_is_refused(tmp_path):
    path = tmp_path / "silent-film.mkv"
    make_video_without_audio(path)
    with pytest.raises(MediaError, match="no audio stream"):
        probe(path)
