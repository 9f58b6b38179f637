"""The synthetic webinar generator: its truth times must match the audio it writes."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import av
import numpy as np
import pytest
from ruamel.yaml import YAML

from tests.support.synth import GENERATOR, load_generator, make_webinar, script_path, webinar_names

synth = load_generator()
RATE = 16000

SHORT_SCRIPT = {
    "title": "Test webinar: border data",
    "speakers": {
        "Ana Ruiz": {"voice": "en-us+f3", "speed": 170, "pitch": 58},
        "Ben Cole": {"voice": "en-us+m6", "speed": 155, "pitch": 32},
        "Chris Lund": {"voice": "en-gb-x-rp", "speed": 180, "pitch": 45},
    },
    "items": [
        {
            "title": "I. Opening",
            "keywords": ["UNOCT", "IOM"],
            "lines": [
                {"speaker": "Ana Ruiz", "text": "Welcome to UNOCT. We work with IOM and the OSCE."},
                {"speaker": "Ben Cole", "text": "Thank you. Fine, so first the data."},
            ],
        },
        {
            "title": "II. Passenger data",
            "description": "API and PNR under resolution 2396.",
            "speaker": "Chris Lund",
            "lines": [
                {"speaker": "Chris Lund", "text": "Resolution {2396|twenty-three ninety-six} asks for API and PNR. Hi."},
                {"speaker": "Ana Ruiz", "text": "Shall we stop here?"},
            ],
        },
    ],
}


def decode(path) -> np.ndarray:
    """Mono float samples at 16 kHz, decoded with PyAV (independent of the generator)."""
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        chunks = [
            frame.to_ndarray().reshape(-1)
            for packet_frame in container.decode(audio=0)
            for frame in resampler.resample(packet_frame)
        ]
        chunks += [frame.to_ndarray().reshape(-1) for frame in resampler.resample(None)]
    return np.concatenate(chunks)


def rms(samples: np.ndarray, start: float, end: float) -> float:
    window = samples[max(0, int(start * RATE)) : max(0, int(end * RATE))]
    return float(np.sqrt(np.mean(window.astype(np.float64) ** 2))) if window.size else 0.0


@pytest.fixture(scope="module")
def short(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "short"
    truth = synth.synthesize(SHORT_SCRIPT, out, seed=7, noise=0.003, fmt="mp3")
    return out, truth, decode(out.with_suffix(".mp3"))


@pytest.mark.voices
def test_sentences_are_split_and_keep_written_form(short):
    _, truth, _ = short
    texts = [s["text"] for s in truth["sentences"]]
    assert texts == [
        "Welcome to UNOCT.",
        "We work with IOM and the OSCE.",
        "Thank you.",
        "Fine, so first the data.",
        "Resolution 2396 asks for API and PNR.",
        "Hi.",
        "Shall we stop here?",
    ]
    assert [s["item"] for s in truth["sentences"]] == [0, 0, 0, 0, 1, 1, 1]
    assert [s["speaker"] for s in truth["sentences"]][2:5] == ["Ben Cole", "Ben Cole", "Chris Lund"]


@pytest.mark.voices
def test_times_are_ordered_and_inside_the_decoded_audio(short):
    _, truth, samples = short
    measured = samples.size / RATE
    assert abs(measured - truth["duration"]) < 0.1, (measured, truth["duration"])
    previous_end = 0.0
    for sentence in truth["sentences"]:
        assert previous_end < sentence["start"] < sentence["end"] <= measured
        previous_end = sentence["end"]
    items = truth["items"]
    for item, following in zip(items, items[1:]):
        assert item["end"] < following["start"]
    for item in items:
        own = [s for s in truth["sentences"] if s["item"] == item["index"]]
        assert (item["start"], item["end"]) == (own[0]["start"], own[-1]["end"])
    assert [i["speaker"] for i in items] == ["Ana Ruiz", "Chris Lund"]  # most text, then as named


@pytest.mark.voices
def test_pauses_follow_speaker_and_item_changes(short):
    _, truth, _ = short
    s = truth["sentences"]
    gaps = [(b["start"] - a["end"], a, b) for a, b in zip(s, s[1:])]
    for gap, a, b in gaps:
        if a["item"] != b["item"]:
            assert 1.5 <= gap <= 2.5 + 0.01
        elif a["speaker"] != b["speaker"]:
            assert 0.8 <= gap <= 1.5 + 0.01
        else:
            assert 0.3 <= gap <= 0.6 + 0.01


@pytest.mark.voices
def test_speech_starts_and_ends_where_the_truth_says(short):
    _, truth, samples = short
    for sentence in truth["sentences"]:
        start, end = sentence["start"], sentence["end"]
        before, after = rms(samples, start - 0.1, start), rms(samples, start, start + 0.2)
        assert after > 8 * before, (sentence["text"], before, after)
        last, tail = rms(samples, end - 0.2, end), rms(samples, end, end + 0.1)
        assert last > 8 * tail, (sentence["text"], last, tail)


@pytest.mark.voices
def test_onsets_within_50_ms(short):
    # Pre-emphasis lifts soft onsets ("th", "f") above the pink noise's low end.
    # Speech must be absent in the 50 ms before start and present in the 50 ms after.
    _, truth, samples = short
    emphasized = np.append(samples[0], samples[1:] - 0.97 * samples[:-1])
    for sentence in truth["sentences"]:
        start = sentence["start"]
        floor = rms(emphasized, start - 0.3, start - 0.1)
        before, after = rms(emphasized, start - 0.05, start), rms(emphasized, start, start + 0.05)
        assert before < 3 * floor < after, (sentence["text"], floor, before, after)


@pytest.mark.voices
def test_same_seed_same_times_other_seed_other_pauses(short, tmp_path):
    _, truth, _ = short
    again = synth.synthesize(SHORT_SCRIPT, tmp_path / "again", seed=7, noise=0.003, fmt="wav")
    other = synth.synthesize(SHORT_SCRIPT, tmp_path / "other", seed=8, noise=0.0, fmt="wav")
    times = lambda t: [(s["start"], s["end"]) for s in t["sentences"]]  # noqa: E731
    assert times(again) == times(truth)
    assert times(other) != times(truth)
    lengths = lambda t: np.array([s["end"] - s["start"] for s in t["sentences"]])  # noqa: E731
    assert np.allclose(lengths(other), lengths(truth), atol=0.0015)  # only the pauses move


@pytest.mark.voices
def test_agenda_files_have_titles_and_no_times(short):
    out, truth, _ = short
    agenda = YAML(typ="safe").load(out.with_name("short.agenda.yaml").read_text(encoding="utf-8"))
    assert agenda["title"] == SHORT_SCRIPT["title"]
    assert agenda["speakers"] == list(SHORT_SCRIPT["speakers"])
    assert [i["title"] for i in agenda["items"]] == ["I. Opening", "II. Passenger data"]
    assert agenda["items"][0]["keywords"] == ["UNOCT", "IOM"]
    assert not any(key in item for item in agenda["items"] for key in ("start", "end"))
    text = out.with_name("short.agenda.txt").read_text(encoding="utf-8")
    assert text.splitlines() == ["I. Opening", "II. Passenger data"]
    stored = json.loads(out.with_name("short.truth.json").read_text(encoding="utf-8"))
    assert stored == truth


def test_pronunciations_reach_espeak_but_not_the_truth():
    spoken = synth.spoken_form("IOM and the OSCE use {2396|twenty-three ninety-six}, not IOMX.", synth.DEFAULT_PRONUNCIATIONS)
    assert spoken == "I-O-M and the O-S-C-E use twenty-three ninety-six, not IOMX."
    assert synth.written_form("use {2396|twenty-three ninety-six} now") == "use 2396 now"
    assert synth.split_sentences("Dr. No met e.g. me. Then {A. B|a b} left! Ok?") == [
        "Dr. No met e.g. me.",
        "Then {A. B|a b} left!",
        "Ok?",
    ]


@pytest.mark.voices
def test_variant_on_en_gb_changes_the_voice():
    # espeak-ng ignores "+f3" after "en-gb"; the generator must route it so it is heard.
    renderer = synth.Renderer()
    plain = renderer.render("Hello there.", synth.voice_spec("plain", "en-gb"))
    female = renderer.render("Hello there.", synth.voice_spec("female", "en-gb+f3"))
    assert plain.size != female.size or not np.array_equal(plain, female)


def test_cli_writes_wav_whose_length_soxi_confirms(tmp_path):
    script = tmp_path / "tiny.script.yaml"
    tiny = {**SHORT_SCRIPT, "items": SHORT_SCRIPT["items"][:1]}
    YAML().dump(tiny, script)
    result = subprocess.run(
        [sys.executable, str(GENERATOR), str(script), "--out", str(tmp_path / "tiny"), "--format", "wav", "--seed", "3"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    soxi = subprocess.run(["soxi", "-D", str(tmp_path / "tiny.wav")], capture_output=True, text=True, check=True)
    rate = subprocess.run(["soxi", "-r", str(tmp_path / "tiny.wav")], capture_output=True, text=True, check=True)
    truth = json.loads((tmp_path / "tiny.truth.json").read_text(encoding="utf-8"))
    assert abs(float(soxi.stdout) - truth["duration"]) < 0.01
    assert rate.stdout.strip() == "16000"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda s: s.pop("speakers"), "speakers"),
        (lambda s: s["items"][0]["lines"][0].update(speaker="Nobody"), "'Nobody' is not in 'speakers'"),
        (lambda s: s["items"][1].update(lines=[]), "non-empty 'lines'"),
    ],
)
def test_cli_bad_script_is_one_line_error(tmp_path, mutate, message):
    broken = json.loads(json.dumps(SHORT_SCRIPT))
    mutate(broken)
    script = tmp_path / "bad.yaml"
    YAML().dump(broken, script)
    result = subprocess.run(
        [sys.executable, str(GENERATOR), str(script), "--out", str(tmp_path / "bad")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("bad.*.*")) and not (tmp_path / "bad.mp3").exists()


def test_missing_script_is_one_line_error(tmp_path):
    with pytest.raises(synth.SynthError, match="script not found"):
        synth.load_script(tmp_path / "absent.yaml")


def test_webinar_bank_scripts_are_varied_and_valid():
    names = webinar_names()
    assert len(names) >= 4
    voices = set()
    for name in names:
        script = synth.load_script(script_path(name))
        assert 3 <= len(script["items"]) <= 5, name
        assert 2 <= len(script["speakers"]) <= 4, name
        assert all(item.get("speaker") in script["speakers"] for item in script["items"]), name
        voices |= {(spec["voice"], spec["speed"]) for spec in script["speakers"].values()}
    assert len(voices) >= 10


@pytest.mark.voices
@pytest.mark.parametrize("name", webinar_names())
def test_webinar_bank_synthesizes_60_to_90_seconds(name, tmp_path):
    audio, truth = make_webinar(name, tmp_path, seed=0)
    measured = decode(audio).size / RATE
    assert 55 <= measured <= 95, measured
    assert truth["sentences"][-1]["end"] <= measured
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [audio.name, f"{name}.truth.json", f"{name}.agenda.yaml", f"{name}.agenda.txt"]
    )


@pytest.mark.voices
def test_make_webinar_reuses_its_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPTIONER_SYNTH_CACHE", str(tmp_path / "cache"))
    script = tmp_path / "tiny.script.yaml"
    YAML().dump({**SHORT_SCRIPT, "items": SHORT_SCRIPT["items"][1:]}, script)
    audio, truth = make_webinar(script, tmp_path / "first", seed=1, agenda="txt")
    assert sorted(p.name for p in audio.parent.iterdir()) == ["tiny.agenda.txt", "tiny.mp3", "tiny.truth.json"]
    started = time.perf_counter()
    audio_again, truth_again = make_webinar(script, tmp_path / "second", seed=1, agenda="none")
    assert time.perf_counter() - started < 0.2
    assert truth_again == truth and audio_again.read_bytes() == audio.read_bytes()
    assert len(list((tmp_path / "cache").iterdir())) == 1
    make_webinar(script, tmp_path / "third", seed=2)
    assert len(list((tmp_path / "cache").iterdir())) == 2
