"""The espeak-ng webinars of tests/data/webinars (tuning data: rules were chosen on them,
and a seed changes only pauses and noise): readable captions, and no words lost against
plain faster-whisper with the same model, the tiny.en draft. What holds on speech no rule
was chosen on is measured on the corpus test set (tests/corpus/test_corpus.py, bench/corpus.py)."""
from __future__ import annotations

import statistics

import pytest

from captioner.asr.recognize import DRAFT_MODEL, AsrOptions, load_model
from captioner.captions.qc import check_cues
from captioner.captions.rules import get_profile
from captioner.formats.vtt import read_vtt
from captioner.pipeline.run import RunOptions, run_one
from tests.support.synth import WEBINARS_DIR, make_webinar, webinar_names
from tests.support.textnorm import wer

pytestmark = [pytest.mark.speech_model, pytest.mark.voices]

SEED = 23


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """(name, our WER, plain faster-whisper WER, QC report of our English VTT) per webinar."""
    model = load_model(AsrOptions(model=DRAFT_MODEL))
    rows = []
    for name in webinar_names():
        folder = tmp_path_factory.mktemp(name)
        audio, truth = make_webinar(name, folder, seed=SEED)
        reference = " ".join(s["text"] for s in truth["sentences"])
        glossary = WEBINARS_DIR / f"{name}.glossary.csv"  # the producer's term list, made from the script
        result = run_one(audio, RunOptions(out_dir=folder / "out", asr=AsrOptions(model=DRAFT_MODEL),
                                               glossary_paths=[glossary], replay=False))
        vtt = (result.folder / f"{result.stem}.en.vtt").read_text(encoding="utf-8")
        cues = read_vtt(vtt)
        segments, _ = model.transcribe(str(audio), beam_size=5, language="en")
        plain = " ".join(s.text for s in segments)
        rows.append((name, wer(reference, " ".join(c.text for c in cues)), wer(reference, plain),
                     check_cues(cues, get_profile(None, language="en"))))
    for name, ours, plain, _ in rows:
        print(f"{name}: WER captioner {ours:.3f}, plain faster-whisper {plain:.3f}")
    return rows


def test_every_cue_within_the_default_rules(results):
    for name, _, _, report in results:
        assert report.cue_count >= 10, name
        assert report.ok, (name, [str(i) for i in report.issues[:3]])


def test_word_error_rate_no_worse_than_plain_faster_whisper(results):
    ours = statistics.mean(r[1] for r in results)
    plain = statistics.mean(r[2] for r in results)
    assert ours <= plain, f"captioner {ours:.3f} against plain faster-whisper {plain:.3f}"
    # and no single webinar loses a window of speech
    assert all(r[1] <= r[2] + 0.05 for r in results), [(r[0], round(r[1], 3), round(r[2], 3)) for r in results]
