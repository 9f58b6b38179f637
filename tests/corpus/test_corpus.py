"""The small part of the corpus benchmark that the test suite runs: the two one-minute
webinars of the test set (bench/corpus/test/short-*), each spoken by three engines,
captioned by the default `captioner run` (Whisper base, the webinar's glossary and
agenda) and by plain and bare faster-whisper with the same model, measured as bench/corpus.py
measures (bench/corpus_metrics.py). No rule was chosen on these files; the bounds
sit at what they measured (noted beside each), with room for another CPU's arithmetic.
"""
from __future__ import annotations

import sys

import pytest

from captioner.asr.recognize import AsrOptions, load_model
from captioner.glossary.formats import load_glossary
from captioner.pipeline.run import RunOptions, run_one
from tests.support.synth import REPO, make_webinar

sys.path.insert(0, str(REPO / "bench"))
from corpus import read_cues  # noqa: E402
from corpus_metrics import Cue, measure, pool  # noqa: E402

pytestmark = [pytest.mark.speech_model, pytest.mark.voices]

SHORT = sorted((REPO / "bench" / "corpus" / "test").glob("short-*.script.yaml"))


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """name -> {"full": figures, "plain": figures, "bare": figures}."""
    model = load_model(AsrOptions())
    results = {}
    for script in SHORT:
        name = script.name[: -len(".script.yaml")]
        folder = tmp_path_factory.mktemp(name)
        audio, truth = make_webinar(script, folder, seed=0, noise=None, agenda="yaml")
        glossary_file = script.with_name(f"{name}.glossary.csv")
        glossary = load_glossary(glossary_file)
        result = run_one(audio, RunOptions(out_dir=folder / "out", glossary_paths=[glossary_file], replay=False))
        cues, report = read_cues("full", folder / "out", name)
        full = measure(truth, cues, glossary=glossary, chapters=report["chapters"])
        full["compliance"] = report["qc"]["en"]["compliant_fraction"]
        full["language"] = result.transcript.language
        results[name] = {"full": full}
        for system, options in (("plain", {}), ("bare", {"vad_filter": True, "word_timestamps": True})):
            segments, _ = model.transcribe(str(audio), beam_size=5, **options)
            results[name][system] = measure(truth, [Cue(s.start, s.end, s.text.strip()) for s in segments],
                                            glossary=glossary)
        print("".join(f"\n{name}: {system} {summary(f)}" for system, f in results[name].items()))
    return results


def summary(f: dict) -> str:
    keys = ("wer", "coverage", "sync_over_2s", "sync_p95", "terms", "speakers", "chapter_max", "compliance")
    return ", ".join(f"{k} {f[k]}" for k in keys if k in f)


def test_two_short_test_webinars(figures):
    assert len(figures) == 2


def test_sentences_are_captioned_near_their_time(figures):
    # measured 2026-12-04: 20 of 20 and 17 of 18 sentences (the lost one is
    # plain faster-whisper's loss too); no cue more than 2 s from its speech
    for name, f in figures.items():
        assert f["full"]["covered"] >= f["full"]["sentences"] - 1, (name, f["full"]["uncovered"])
        assert f["full"]["sync_over_2s"] == 0, (name, f["full"]["sync_offsets"])


def test_full_run_writes_fewer_word_errors_than_bare_faster_whisper_on_each_file(figures):
    # measured 2026-12-04: 0.077 and 0.189 against bare 0.083 and 0.250; pooled 0.132, plain
    # faster-whisper's 0.138 (over the whole test set: 0.126 against 0.145, README)
    for name, f in figures.items():
        assert f["full"]["wer"] <= f["bare"]["wer"], (name, f["full"]["wer"], f["bare"]["wer"])
    full = pool([f["full"] for f in figures.values()])
    assert full["wer"] <= 0.15, full["wer"]


def test_terms_speakers_chapters_and_reading_rules(figures):
    full = pool([f["full"] for f in figures.values()])
    plain = pool([f["plain"] for f in figures.values()])
    # measured 2026-12-04: terms 0.79 against 0.65 (0.88 and 0.71 per file: the second's lost
    # windows were decoded again without hotwords); chapters at most 0.9 s off; every cue within
    # the reading rules. (Speakers, 0.55 and 0.56 of sentences under the right name, are the next
    # issue's: no bound here would be honest yet.)
    assert full["terms"] >= 0.75 and full["terms"] >= plain["terms"] + 0.1, (full["terms"], plain["terms"])
    for name, f in figures.items():
        assert f["full"]["language"] == "en"
        assert f["full"]["compliance"] == 1.0, name
        # 0.9 s on an Intel Xeon (AVX-512, MKL), 3.06 s with AVX2 and oneDNN as on an AMD EPYC
        assert f["full"]["chapter_max"] <= 4.0, (name, f["full"]["chapter_errors"])
