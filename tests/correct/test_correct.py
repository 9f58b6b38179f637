"""Correction of glossary terms in transcripts: the issue's examples, times, and no false positives."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from captioner.correct.spelling import CorrectOptions, correct_transcript, find_terms
from captioner.glossary.formats import load_glossary, read_csv
from captioner.glossary.model import Glossary
from captioner.model import Segment, Transcript, Word, transcript_from_json, transcript_to_json

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CT = ROOT / "glossary" / "counter-terrorism.yaml"


@pytest.fixture(scope="module")
def ct():
    return load_glossary(CT)


def transcript(*sentences: str, step: float = 0.5) -> Transcript:
    """One segment per sentence, words 0.4 s long every ``step`` seconds."""
    segments, clock = [], 0.0
    for sentence in sentences:
        words = []
        for text in sentence.split():
            words.append(Word(text=text, start=round(clock, 3), end=round(clock + 0.4, 3), probability=0.8))
            clock += step
        segments.append(Segment(start=words[0].start, end=words[-1].end, text=" " + sentence, words=words))
    return Transcript(language="en", duration=clock, segments=segments)


def fixed(ct, sentence: str) -> str:
    out, _ = correct_transcript(transcript(sentence), ct)
    return out.text


@pytest.mark.parametrize("heard, right", [
    ("The acronym Initiative was launched in 2017.", "The Accra Initiative was launched in 2017."),
    ("During Operations Kudanku II and III,", "During Operations Koudanlgou II and III,"),
    ("real-time access to interpol databases", "real-time access to INTERPOL databases"),
    ("the uncct programme", "the UNCCT programme"),
    ("the U.N.C.C.T. programme", "the UNCCT programme"),
    ("the UN CCT programme", "the UNCCT programme"),
    ("the terror crime nexus", "the terror-crime nexus"),
    ("run by the Project hot with", "run by the Project HOTSPOT with"),
    ("the UNCCT-INTERPOL project hot spot.", "the UNCCT-INTERPOL Project HOTSPOT."),
    ("Attorneys and little caters were checked.", "Returnees and relocators were checked."),
    ("with I 24 7 at the border", "with I-24/7 at the border"),
    ("Spain calls that day 11M.", "Spain calls that day 11-M."),
    ("Elena Petrovic, over to you.", "Elena Petrović, over to you."),
    ("Thank you, Maria Fernandez.", "Thank you, Maria Fernández."),
    ("My name is Daniel Hartman and", "My name is Daniel Hartmann and"),
    ("interpol's notices", "INTERPOL's notices"),
    ("the fatf and the osce", "the FATF and the OSCE"),
    ("set up by U.N.C.C.T.", "set up by UNCCT."),
    ("We also coordinate with the G5s of hell.", "We also coordinate with the G5 Sahel."),
])
def test_the_issue_examples_are_fixed(ct, heard, right):
    assert fixed(ct, heard) == right


@pytest.mark.parametrize("sentence", [
    "It was hot in the room.",
    "The hot spot for tourists is the old harbour.",
    "Turn on the wifi hotspot.",
    "Who will pay for it?",
    "The attorneys for the family spoke.",
    "Returns are up this year.",
    "Europe and the frontier towns.",
    "We want to go to Togo.",  # a right term stays as it is
    "Resolution 2369 was adopted.",  # numbers must match exactly
    "My sis and I use the api.",  # short lower-case words that are also acronyms (SIS, API)
])
def test_ordinary_words_and_right_terms_stay(ct, sentence):
    assert fixed(ct, sentence) == sentence


def test_comfy_eye_becomes_comfyui_by_sound_without_a_sounds_like_entry():
    glossary = read_csv((DATA / "glossary" / "comfyui.csv").read_text(encoding="utf-8"), "comfyui.csv")
    assert not glossary.get("comfyui").sounds_like
    out, log = correct_transcript(transcript("Then you go into your comfy eye folder again in the comfy eye."),
                                  glossary)
    assert out.text == "Then you go into your ComfyUI folder again in the ComfyUI."
    assert [c.rule for c in log] == ["fuzzy", "fuzzy"] and all(c.concept == "comfyui" for c in log)


def test_word_times_survive_and_merged_words_span_their_originals(ct):
    before = transcript("we called interpol and the acronym Initiative and the U.N. C.C.T. team.")
    out, log = correct_transcript(before, ct)
    words = out.words
    assert [w.text for w in words] == ["we", "called", "INTERPOL", "and", "the", "Accra", "Initiative", "and",
                                       "the", "UNCCT", "team."]
    old = before.words
    assert (words[2].start, words[2].end) == (old[2].start, old[2].end)
    assert [(w.start, w.end) for w in words[5:7]] == [(old[5].start, old[5].end), (old[6].start, old[6].end)]
    assert (words[9].start, words[9].end) == (old[9].start, old[10].end)  # "U.N. C.C.T." -> one word
    assert (words[10].start, words[10].end) == (old[11].start, old[11].end)
    assert all(a.end <= b.start for a, b in zip(words, words[1:]))
    assert {(c.before, c.after, c.rule) for c in log} == {
        ("interpol", "INTERPOL", "case"), ("acronym Initiative", "Accra Initiative", "sounds_like"),
        ("U.N. C.C.T.", "UNCCT", "acronym")}
    unccT = next(c for c in log if c.after == "UNCCT")
    assert (unccT.start, unccT.end) == (old[9].start, old[10].end) and unccT.concept == "uncct"


def test_a_longer_replacement_shares_the_span_time_in_order(ct):
    before = transcript("this is end this cast in the interpol project hot today")
    out, log = correct_transcript(before, ct)
    assert out.text == "this is UNCCT-INTERPOL Project HOTSPOT today"
    new = out.words[2:5]
    assert new[0].start == before.words[2].start and new[-1].end == before.words[9].end
    assert all(a.end <= b.start + 1e-9 and a.start < a.end for a, b in zip(new, new[1:]))


def test_punctuation_around_the_span_is_kept(ct):
    assert fixed(ct, '("acronym initiative"), then') == '("Accra Initiative"), then'
    assert fixed(ct, "they met at the hotspot. Project hot spot!") == "they met at the hotspot. Project HOTSPOT!"
    # a span never runs across punctuation inside it
    assert fixed(ct, "the acronym, initiative") == "the acronym, initiative"


def test_input_is_not_modified_and_the_result_round_trips(ct):
    before = transcript("the uncct and interpol")
    snapshot = copy.deepcopy(before)
    out, log = correct_transcript(before, ct)
    assert before == snapshot
    assert out.segments[0].text == "the UNCCT and INTERPOL"
    assert out.corrections == log
    assert transcript_from_json(transcript_to_json(out)) == out


def test_segments_without_word_times_are_corrected_in_their_text(ct):
    t = Transcript(language="en", duration=10, segments=[
        Segment(start=2.0, end=6.0, text=" We met the acronym initiative in Accra.")])
    out, log = correct_transcript(t, ct)
    assert out.segments[0].text == "We met the Accra Initiative in Accra."
    assert out.segments[0].words == []
    assert (log[0].start, log[0].end) == (2.0, 6.0)


def test_spans_do_not_cross_speakers(ct):
    t = transcript("I thank the acronym", "initiative members")
    for w in t.segments[0].words:
        w.speaker = "A"
    for w in t.segments[1].words:
        w.speaker = "B"
    merged = Transcript(language="en", duration=t.duration, segments=[
        Segment(start=0, end=t.duration, text=t.text, words=t.words)])
    out, log = correct_transcript(merged, ct)
    assert log == [] and out.text == merged.text


def test_empty_glossary_and_exact_only_options(ct):
    t = transcript("your comfy eye folder")
    assert correct_transcript(t, Glossary())[1] == []
    glossary = read_csv("term,aliases,definition\nComfyUI,,\n", "c.csv")
    assert correct_transcript(t, glossary, CorrectOptions(fuzzy=False))[1] == []


def _plain_prose() -> Transcript:
    text = (DATA / "plain_prose.txt").read_text(encoding="utf-8")
    paragraphs = [p.replace("\n", " ") for p in text.split("\n\n") if p.strip()]
    return transcript(*paragraphs, step=0.35)


def test_no_change_to_plain_prose_with_the_full_glossary(ct):
    """A few hundred words of everyday news with no glossary term, written to include words
    that are near misses of glossary terms (hot spot, hotspot, attorneys, returned, project,
    initiative, interval, Europe, comfy, eye, who): correction must change nothing."""
    prose = _plain_prose()
    assert len(prose.words) >= 300
    out, log = correct_transcript(prose, ct)
    assert log == []
    assert out == prose
    assert find_terms(prose, ct) == []


def test_the_plain_prose_check_can_fail_without_the_common_word_guard(ct):
    # with no word counted as common the same prose does get changed: the guard is what protects it
    _, log = correct_transcript(_plain_prose(), ct, CorrectOptions(common_zipf=9.0))
    assert log


def test_find_terms_locates_written_terms_longest_first(ct):
    t = transcript("We check foreign terrorist fighters against watchlists with INTERPOL I-24/7.",
                   "The Accra Initiative works.")
    found = [(o.concept, o.text, o.segment, o.first_word, o.end_word) for o in find_terms(t, ct)]
    assert found == [("ftf", "foreign terrorist fighters", 0, 2, 5), ("watchlist", "watchlists", 0, 6, 7),
                     ("interpol", "INTERPOL", 0, 8, 9), ("i-24-7", "I-24/7", 0, 9, 10),
                     ("accra-initiative", "Accra Initiative", 1, 1, 3)]


@pytest.mark.speech_model
def test_real_recording_hotwords_mp3_says_comfyui_after_correction():
    """Plain tiny.en hears 'comfy eye' in ../shared/data/real/hotwords.mp3; correction with a
    glossary holding ComfyUI gives ComfyUI, at the times of the words it replaces."""
    from captioner.asr.recognize import DRAFT_MODEL, AsrOptions, transcribe_audio
    from captioner.media.audio import decode
    from tests.support.paths import real

    heard = transcribe_audio(decode(real("hotwords.mp3")), AsrOptions(model=DRAFT_MODEL))
    glossary = load_glossary(DATA / "glossary" / "comfyui.csv")
    out, log = correct_transcript(heard, glossary)
    assert "comfy eye" in heard.text.lower()
    assert out.text.count("ComfyUI") == 2 and "comfy" not in out.text.lower().replace("comfyui", "")
    for change in log:
        assert change.after == "ComfyUI"
        assert any(abs(w.start - change.start) < 1e-6 for w in heard.words)
        assert any(abs(w.end - change.end) < 1e-6 for w in heard.words)
