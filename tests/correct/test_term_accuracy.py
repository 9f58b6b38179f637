"""Term accuracy and word error rate of captioner against plain faster-whisper (issue 3).

The metric (tests/support/term_accuracy.py) is checked on hand-made texts first; then the sample
recording and the espeak-ng tuning webinars are recognised twice, by plain faster-whisper
(its own WhisperModel, the bundled tiny.en, beam 5, no VAD, no word timestamps, no prompt)
and by captioner's pipeline (biasing and correction with the recording's glossary), once per
session, and the two are compared on the same audio.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from captioner.glossary.formats import load_glossaries, read_csv
from tests.support.paths import SAMPLE, SAMPLE_TRUTH, real
from tests.support.synth import WEBINARS_DIR, make_webinar, webinar_names
from tests.support.term_accuracy import TermScore, glossary_forms, occurrences, term_accuracy
from tests.support.textnorm import normalize, wer

ROOT = Path(__file__).resolve().parents[2]
CT = ROOT / "glossary" / "counter-terrorism.yaml"

GLOSSARY = read_csv(
    "term,aliases,definition\n"
    "INTERPOL,,\n"
    "terror-crime nexus,,\n"
    "UNCCT-INTERPOL Project HOTSPOT,Project HOTSPOT,\n"
    "UNCCT,United Nations Counter-Terrorism Centre,\n"
    "financial intelligence unit,FIU,\n"
    "data protection,,\n"
    "Yaoundé,,\n",
    "metric.csv")


# --- the metric ---------------------------------------------------------------

def test_exact_writing_counts_and_near_writings_do_not():
    ref = "INTERPOL and the terror-crime nexus. Yaoundé hosts UNCCT."
    assert term_accuracy(ref, ref, GLOSSARY).accuracy == 1.0
    score = term_accuracy(ref, "Interpol and the terror crime nexus. Yaounde hosts U.N.C.C.T.", GLOSSARY)
    assert (score.correct, score.total) == (0, 4)
    assert score.missed() == {"INTERPOL": 1, "terror-crime nexus": 1, "Yaoundé": 1, "UNCCT": 1}


def test_punctuation_around_a_term_does_not_matter_but_inside_it_does():
    ref = "We called INTERPOL, then the FIU."
    assert term_accuracy(ref, '"INTERPOL." (FIU)', GLOSSARY).accuracy == 1.0
    assert term_accuracy("the terror-crime nexus", "the terror, crime nexus", GLOSSARY).accuracy == 0.0


def test_counts_are_per_occurrence_and_capped_by_the_reference():
    ref = "INTERPOL, INTERPOL and INTERPOL."
    assert term_accuracy(ref, "INTERPOL and Interpol", GLOSSARY).correct == 1
    assert term_accuracy(ref, "INTERPOL " * 5, GLOSSARY).correct == 3
    assert term_accuracy("no terms here", "INTERPOL", GLOSSARY).accuracy == 1.0  # nothing to get right


def test_longest_form_first_and_never_inside_a_word():
    found = occurrences("the UNCCT-INTERPOL Project HOTSPOT and UNCCT staff at INTERPOLAR",
                        glossary_forms(GLOSSARY))
    assert found == ["UNCCT-INTERPOL Project HOTSPOT", "UNCCT"]


def test_plural_and_possessive_endings_and_a_sentence_capital_are_not_the_term():
    ref = "Data protection matters. Other FIUs and INTERPOL's notices."
    hyp = "And data protection matters, other FIU and INTERPOL notices."
    assert term_accuracy(ref, hyp, GLOSSARY).accuracy == 1.0
    assert term_accuracy("We need data protection.", "We need Data Protection.", GLOSSARY).accuracy == 0.0
    with_plural = read_csv("term,aliases,definition\nwatchlist,watchlists,\n", "w.csv")
    assert term_accuracy("against watchlists", "against a watchlist", with_plural).accuracy == 1.0
    assert term_accuracy("against watchlists", "against watch lists", with_plural).accuracy == 0.0


# --- recordings: plain faster-whisper against captioner -----------------------

SEED = 1


def reference_text(truth: dict) -> str:
    return " ".join(s["text"] for s in truth["sentences"])


@pytest.fixture(scope="session")
def plain_whisper():
    from faster_whisper import WhisperModel

    from captioner.asr.recognize import bundled_model_path

    model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8")

    def transcribe(media: Path) -> str:
        segments, _ = model.transcribe(str(media), language="en", beam_size=5)
        return " ".join(s.text.strip() for s in segments)

    return transcribe


def captioner_text(media: Path, glossary: Path, out: Path) -> str:
    from captioner.pipeline.run import RunOptions, run_one

    result = run_one(media, RunOptions(out_dir=out, glossary_paths=[glossary], languages=[], replay=False,
                                       speakers="off"))
    return result.transcript.text


WEBINARS = webinar_names()[:2]  # the first two by name; tests/corpus/test_espeak_webinars.py runs all four for WER


@pytest.fixture(scope="session")
def compared(tmp_path_factory, plain_whisper):
    """Per recording: term scores and WER of plain faster-whisper and of captioner."""
    work = tmp_path_factory.mktemp("term-accuracy")
    cases = {"sample": (SAMPLE, CT, reference_text(json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))))}
    for name in WEBINARS:
        media, truth = make_webinar(name, work / name, seed=SEED)
        cases[name] = (media, WEBINARS_DIR / f"{name}.glossary.csv", reference_text(truth))
    results = {}
    for name, (media, glossary_path, reference) in cases.items():
        glossary = load_glossaries([glossary_path])
        plain = plain_whisper(media)
        ours = captioner_text(media, glossary_path, work / "out")
        results[name] = {
            "plain_terms": term_accuracy(reference, plain, glossary),
            "terms": term_accuracy(reference, ours, glossary),
            "plain_wer": wer(reference, plain),
            "wer": wer(reference, ours),
        }
        words = len(normalize(reference).split())
        results[name].update(errors=round(results[name]["wer"] * words),
                             plain_errors=round(results[name]["plain_wer"] * words))
    for name, r in results.items():
        print(f"{name}: terms {r['terms'].correct}/{r['terms'].total} = {r['terms'].accuracy:.2f} "
              f"(plain {r['plain_terms'].accuracy:.2f}); WER {r['wer']:.3f} (plain {r['plain_wer']:.3f}); "
              f"missed {r['terms'].missed()}")
    return results


def pooled(results, key: str) -> float:
    total = sum((r[key] for r in results.values()), TermScore(0, 0))
    return total.accuracy


@pytest.mark.speech_model
@pytest.mark.voices
def test_plain_faster_whisper_writes_few_terms_exactly(compared):
    plain = {name: round(r["plain_terms"].accuracy, 2) for name, r in compared.items()}
    assert pooled(compared, "plain_terms") <= 0.60, plain


@pytest.mark.speech_model
@pytest.mark.voices
def test_captioner_writes_far_more_terms_exactly(compared):
    # measured (seed 1): sample 0.76 against 0.56, aviation 0.90 against 0.52, maritime 0.95 against 0.26
    for name, r in compared.items():
        assert r["terms"].accuracy >= r["plain_terms"].accuracy + 0.10, (name, r["terms"].missed())
    assert pooled(compared, "terms") >= 0.70


@pytest.mark.speech_model
@pytest.mark.voices
@pytest.mark.xfail(strict=True, reason=(
    "issue 3 asks for 90% of term occurrences exactly right; measured 0.82 here (the webinars 0.925, the "
    "sample 0.76), 0.853 and 0.844 on seeds 6-7 and 10-11 in bench/listen_again.py (webinars 0.897 and "
    "0.885): the misses left are "
    "mostly the sample's, words tiny.en did not hear at all on its synthetic voice ('gay pain' for Spain, "
    "'Maryland' for Benin, 'a new to a border' for the series' title), too far from the term in spelling "
    "and sound to be checked, or that the model itself scores below what it heard"))
def test_ninety_percent_of_term_occurrences_exactly_right(compared):
    assert pooled(compared, "terms") >= 0.90


@pytest.mark.speech_model
@pytest.mark.voices
@pytest.mark.parametrize("name", ["sample", *WEBINARS])
def test_word_error_rate_no_worse_than_plain_faster_whisper(compared, name):
    # within a word: CTranslate2's numbers depend on the CPU, and with AVX2 and oneDNN (as on an
    # AMD EPYC) aviation-api-pnr came out one word worse than plain (0.149 against 0.142)
    r = compared[name]
    assert r["errors"] <= r["plain_errors"] + 1, f"{name}: captioner {r['wer']:.3f} against plain {r['plain_wer']:.3f}"


@pytest.mark.speech_model
@pytest.mark.voices
def test_word_errors_over_all_recordings_no_more_than_plain_faster_whispers(compared):
    errors = sum(r["errors"] for r in compared.values())
    assert errors <= sum(r["plain_errors"] for r in compared.values()), errors


@pytest.mark.speech_model
def test_hotwords_recording_says_comfyui_through_the_pipeline(tmp_path):
    """../shared/data/real/hotwords.mp3 (plain tiny.en: "comfy eye") with a glossary holding
    ComfyUI: the run's transcript, captions and corrections log say ComfyUI."""
    from captioner.pipeline.run import RunOptions, run_one

    glossary = ROOT / "tests" / "data" / "glossary" / "comfyui.csv"
    from captioner.asr.recognize import DRAFT_MODEL, AsrOptions

    result = run_one(real("hotwords.mp3"), RunOptions(out_dir=tmp_path, asr=AsrOptions(model=DRAFT_MODEL),
                                                     glossary_paths=[glossary], languages=[],
                                                     replay=False, speakers="off"))
    text = result.transcript.text
    assert text.count("ComfyUI") == 2 and "comfy" not in text.lower().replace("comfyui", ""), text
    assert "ComfyUI" in (result.folder / f"{result.stem}.en.srt").read_text(encoding="utf-8")
    log = json.loads((result.folder / "corrections.json").read_text(encoding="utf-8"))
    assert all(c["after"] == "ComfyUI" for c in log)
