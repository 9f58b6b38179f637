"""The multi-engine webinar synthesizer: its truth times hold on the audio it writes.

The two short webinars of the corpus test set (bench/corpus/test/short-*.yaml),
each spoken by several engines with a room, noise and a telephone line, are
rendered and decoded independently (PyAV); each sentence's onset is found in
the decoded audio from its energy alone and must lie within 50 ms of the time
the truth file records.
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.corpus.test_synth import RATE, decode
from tests.support.synth import REPO, load_generator, make_webinar

synth = load_generator()
engines = __import__("synth_engines")
room = __import__("synth_room")
SHORT = sorted((REPO / "bench" / "corpus" / "test").glob("short-*.script.yaml"))
HOP = 0.005


def envelope(samples: np.ndarray, hop: float = HOP, window: float = 0.01) -> np.ndarray:
    """Frame RMS of the first difference (a high-pass: hum and rumble fall away, speech stays)."""
    slope = np.diff(samples, prepend=samples[0])
    step, width = int(hop * RATE), int(window * RATE)
    count = (len(slope) - width) // step
    frames = np.arange(width)[None, :] + step * np.arange(count)[:, None]
    return np.sqrt(np.mean(slope[frames] ** 2, axis=1))


def onset_near(env: np.ndarray, start: float) -> float | None:
    """Where sound rises clearly above the level just before `start` and stays up."""
    before = env[max(0, int((start - 0.3) / HOP)): max(1, int((start - 0.08) / HOP))]
    threshold = max(np.percentile(before, 90) * 1.3, 0.0015)
    for frame in range(max(0, int((start - 0.2) / HOP)), int((start + 0.3) / HOP)):
        if env[frame] > threshold and np.mean(env[frame: frame + 8] > threshold) >= 0.75:
            return frame * HOP + HOP
    return None


@pytest.fixture(scope="module", params=[p.name[: -len(".script.yaml")] for p in SHORT])
def short_webinar(request, tmp_path_factory):
    script = next(p for p in SHORT if p.name.startswith(request.param))
    audio, truth = make_webinar(script, tmp_path_factory.mktemp(request.param), seed=0, noise=None)
    return script, truth, decode(audio)


def test_short_test_webinars_exist_with_several_engines():
    assert len(SHORT) == 2
    for script in SHORT:
        loaded = synth.load_script(script)
        used = {engines.voice_spec(n, s)["engine"] for n, s in loaded["speakers"].items()}
        assert len(used) >= 2, script.name


@pytest.mark.voices
def test_every_sentence_starts_within_50_ms_of_its_recorded_time(short_webinar):
    script, truth, samples = short_webinar
    assert 45 <= samples.size / RATE <= 100
    env = envelope(samples)
    errors = {s["index"]: onset_near(env, s["start"]) for s in truth["sentences"]}
    late = {i: (None if e is None else round(e - truth["sentences"][i]["start"], 3)) for i, e in errors.items()
            if e is None or abs(e - truth["sentences"][i]["start"]) > 0.05}
    assert not late, f"{script.name}: sentence -> onset error (s): {late}"


@pytest.mark.voices
def test_truth_names_the_engines_and_the_room(short_webinar):
    script, truth, _ = short_webinar
    loaded = synth.load_script(script)
    assert set(truth["speakers"]) == set(loaded["speakers"])
    assert {s["engine"] for s in truth["speakers"].values()} >= {"piper"}
    assert truth["recording"]["bitrate"] == "64k" and truth["generator"] == "synth_webinar v2"
    assert {s["speaker"] for s in truth["sentences"]} == set(loaded["speakers"])


@pytest.mark.voices
def test_the_four_engines_sound_different():
    renderer = engines.Renderer(seed=1)
    specs = {
        "espeak": {"voice": "en-us+m3"},
        "flite": {"engine": "flite", "voice": "awb"},
        "festival": {"engine": "festival", "voice": "kal_diphone"},
        "piper": {"engine": "piper"},
    }
    rendered = {name: renderer.render("Border security matters.", engines.voice_spec(name, spec))
                for name, spec in specs.items()}
    lengths = {name: round(a.size / engines.TTS_RATE, 2) for name, a in rendered.items()}
    assert all(0.6 < seconds < 3.0 for seconds in lengths.values()), lengths
    centroids = {name: spectral_centroid(a) for name, a in rendered.items()}
    assert len({round(c, -1) for c in centroids.values()}) == 4, centroids


def spectral_centroid(samples: np.ndarray, rate: int = engines.TTS_RATE) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    frequencies = np.fft.rfftfreq(samples.size, 1 / rate)
    return float(np.sum(frequencies * spectrum) / np.sum(spectrum))


@pytest.mark.voices
def test_piper_renders_repeat_for_the_same_seed():
    spec = engines.voice_spec("joe", {"engine": "piper"})
    first = engines.Renderer(seed=4).render("Welcome to the session.", spec)
    again = engines.Renderer(seed=4).render("Welcome to the session.", spec)
    other = engines.Renderer(seed=5).render("Welcome to the session.", spec)
    assert np.array_equal(first, again)
    assert first.size != other.size or not np.array_equal(first, other)


@pytest.mark.voices
def test_telephone_line_cuts_the_band_and_pitch_shift_raises_the_voice():
    renderer = engines.Renderer()
    plain = renderer.render("Six sisters sell sea shells.", engines.voice_spec("a", {"engine": "flite", "voice": "slt"}))
    phone = renderer.render("Six sisters sell sea shells.",
                            engines.voice_spec("b", {"engine": "flite", "voice": "slt", "telephone": True}))
    high = renderer.render("Six sisters sell sea shells.",
                           engines.voice_spec("c", {"engine": "flite", "voice": "slt", "semitones": 5}))

    def share_above(samples, hz):
        spectrum = np.abs(np.fft.rfft(samples)) ** 2
        return float(spectrum[np.fft.rfftfreq(samples.size, 1 / engines.TTS_RATE) > hz].sum() / spectrum.sum())

    assert share_above(plain, 4000) > 0.02 and share_above(phone, 4000) < 0.002
    assert spectral_centroid(high) > spectral_centroid(plain) * 1.1


@pytest.mark.parametrize("spec, message", [
    ({"engine": "sapi", "voice": "x"}, "unknown engine 'sapi'"),
    ({"engine": "flite", "voice": "bob"}, "flite has no voice 'bob'"),
    ({"engine": "festival", "voice": "kal"}, "festival has no voice 'kal'"),
    ({"engine": "flite", "voice": "slt", "tempo": 3}, "tempo must be between 0.5 and 2.0"),
    ({"engine": "espeak"}, "needs a 'voice' for espeak"),
])
def test_bad_speaker_settings_are_named(spec, message):
    with pytest.raises(synth.SynthError, match=message):
        engines.voice_spec("Someone", spec)


def test_bad_recording_settings_are_named():
    with pytest.raises(synth.SynthError, match="noise colour must be one of pink, brown"):
        room.recording_spec({"recording": {"noise": {"colour": "white"}}})
    with pytest.raises(synth.SynthError, match="reverb must be between 0 and 100"):
        room.recording_spec({"recording": {"reverb": 120}})


def test_reverberation_keeps_length_and_onset():
    speech = np.zeros(engines.TTS_RATE, dtype=np.float64)
    speech[11025:11025 + 2205] = np.sin(np.arange(2205) * 0.3) * 0.5
    wet = room.reverberate(speech, 50)
    assert wet.size == speech.size
    assert np.abs(wet[:11000]).max() < 0.01  # nothing before the sound
    assert np.abs(wet[11025 + 2205: 11025 + 6000]).max() > 0.01  # a tail after it
