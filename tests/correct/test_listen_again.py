"""Listening again (captioner/correct/listen_again.py): loosely heard glossary terms checked against the audio.

Real audio and the real bundled model throughout: jfk.flac for the scorer and for false
positives; espeak-ng sentences, recognised for real, then one term replaced in the transcript
by what tiny.en wrote for it on the synthetic webinars ("end month group" for Egmont Group),
for what listening must restore and what it must leave alone.
"""
from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import numpy as np
import pytest

from captioner.asr.recognize import DRAFT_MODEL, AsrOptions, load_model, transcribe_audio
from captioner.correct.listen_again import (
    AcousticScorer,
    ListenOptions,
    find_checks,
    listen_again,
    margin,
    without_sure_words,
)
from captioner.correct.spelling import CorrectOptions, FormIndex
from captioner.glossary.formats import load_glossary, read_csv
from captioner.media.audio import decode
from captioner.model import Segment, Transcript, Word
from tests.support.paths import JFK_TEXT, real

ROOT = Path(__file__).resolve().parents[2]
CT = ROOT / "glossary" / "counter-terrorism.yaml"


@pytest.fixture(scope="module")
def model():
    return load_model(AsrOptions(model=DRAFT_MODEL))


@pytest.fixture(scope="module")
def jfk(model):
    audio = decode(real("jfk.flac"))
    return audio, transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL))


@pytest.mark.speech_model
def test_the_scorer_prefers_what_was_said(model, jfk):
    audio, _ = jfk
    scorer = AcousticScorer(model, audio)
    said, changed, other = scorer.log_probs(0.0, 11.0, [JFK_TEXT, JFK_TEXT.replace("fellow", "yellow"),
                                                        "The weather in Geneva is cold today."])
    assert said > changed > other
    assert said - changed > 2.0, (said, changed)


@pytest.mark.speech_model
def test_the_scorer_reads_the_frames_the_whole_recording_has(model, jfk):
    # computed from the audio around the seconds read, not from the whole recording
    audio, _ = jfk
    whole = model.feature_extractor(audio)
    scorer = AcousticScorer(model, audio)
    for start, end in [(0.0, 3.0), (4.37, 7.9), (9.0, 11.0)]:
        part = scorer.features(start, end)[0]
        first = int(start * 100)
        assert part.shape == (80, min(int((end - start) * 100), whole.shape[-1] - first) // 2 * 2)
        # equal but where the quietest bins are floored (8 log units below the loudest of what is read)
        assert np.median(np.abs(part - whole[:, first:first + part.shape[-1]])) < 1e-5


@pytest.mark.speech_model
def test_ordinary_speech_is_left_alone_with_the_whole_glossary(model, jfk):
    audio, transcript = jfk
    heard, log = listen_again(transcript, audio, load_glossary(CT), model)
    assert log == [] and heard.text == transcript.text, [(c.before, c.after, c.score) for c in log]


def speak(text: str, path: Path, voice: str = "en-us") -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)
    return path


def heard_with_hotwords(tmp_path_factory, text: str, hotwords: str):
    """espeak-ng's "en" voice, recognised with the terms as hotwords (as a run does), as the
    synthetic webinars' terms were before one was misheard."""
    audio = decode(speak(text, tmp_path_factory.mktemp("listen") / "said.wav", voice="en"))
    return audio, transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL, hotwords=hotwords))


EGMONT = "The Egmont Group connects financial intelligence units across the world."
GLOSSARY = read_csv("term,aliases,definition\nEgmont Group,,\nfinancial intelligence unit,FIU,\n", "egmont.csv")


@pytest.fixture(scope="module")
def egmont(tmp_path_factory):
    audio = decode(speak(EGMONT, tmp_path_factory.mktemp("listen") / "egmont.wav"))
    return audio, transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL))


def misheard(transcript: Transcript, right: list[str], wrong: list[str]) -> Transcript:
    """The transcript with the words ``right`` replaced by ``wrong``, sharing their times."""
    out = copy.deepcopy(transcript)
    segment = next(s for s in out.segments if " ".join(w.text for w in s.words).count(" ".join(right)))
    texts = [w.text for w in segment.words]
    at = next(i for i in range(len(texts)) if texts[i:i + len(right)] == right)
    old = segment.words[at:at + len(right)]
    step = (old[-1].end - old[0].start) / len(wrong)
    new = [Word(text=t, start=round(old[0].start + k * step, 3), end=round(old[0].start + (k + 1) * step, 3),
                probability=0.3) for k, t in enumerate(wrong)]
    segment.words[at:at + len(right)] = new
    segment.text = " ".join(w.text for w in segment.words)
    return out


@pytest.mark.speech_model
@pytest.mark.voices
def test_what_recognition_misheard_is_restored(model, egmont):
    audio, transcript = egmont
    assert "Egmont Group" not in transcript.text  # tiny.en: "The Edmont group connects ..."
    fixed, log = listen_again(transcript, audio, GLOSSARY, model)
    assert fixed.text.startswith("The Egmont Group connects financial intelligence units"), fixed.text
    assert [(c.after, c.rule) for c in log] == [("Egmont Group", "listened")]


@pytest.mark.speech_model
@pytest.mark.voices
def test_a_term_heard_as_other_words_is_restored_and_logged(model, egmont):
    audio, transcript = egmont
    first = next(w for s in transcript.segments for w in s.words if w.text.lower().startswith("edmont"))
    said = [first.text, "group"]
    wrong = misheard(transcript, said, ["end", "month", "group"])
    fixed, log = listen_again(wrong, audio, GLOSSARY, model)
    assert "Egmont Group connects" in fixed.text, fixed.text
    assert [(c.before, c.after, c.rule) for c in log] == [("end month group", "Egmont Group", "listened")]
    words = [w for s in fixed.segments for w in s.words]
    egmont_word = next(w for w in words if w.text == "Egmont")
    assert abs(egmont_word.start - log[0].start) < 1e-6 and log[0].end > egmont_word.end
    assert fixed.corrections[-1].after == "Egmont Group"


@pytest.mark.speech_model
@pytest.mark.voices
def test_ordinary_synthetic_speech_is_left_alone_with_the_whole_glossary(model, tmp_path):
    # words spelled or sounding a little like terms of the glossary (pain ~ Spain, inter view ~ INTERPOL,
    # watches ~ watchlist, decades ~ TCAP), said as they are written
    said = ("The workers had an interview at the bank on Monday. Later they watched a film about the sea, "
            "and my sister said the pain in her knee had gone after two decades.")
    audio = decode(speak(said, tmp_path / "plain.wav"))
    transcript = transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL))
    fixed, log = listen_again(transcript, audio, load_glossary(CT), model)
    assert log == [] and fixed.text == transcript.text, [(c.before, c.after, c.score) for c in log]


@pytest.mark.speech_model
@pytest.mark.voices
def test_nothing_to_check_without_a_glossary(model, egmont):
    audio, transcript = egmont
    fixed, log = listen_again(transcript, audio, read_csv("term,aliases,definition\n", "empty.csv"), model)
    assert log == [] and fixed.text == transcript.text


NOTICES = "Officers check every traveller against INTERPOL notices before the flight leaves."


@pytest.fixture(scope="module")
def notices(tmp_path_factory):
    audio = decode(speak(NOTICES, tmp_path_factory.mktemp("listen") / "notices.wav"))
    return audio, transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL))


@pytest.mark.speech_model
@pytest.mark.voices
def test_a_written_term_grows_into_the_longer_term_the_audio_says(model, notices):
    # "INTERPOL" is a term as written, so only longer terms that contain it are tried on
    # "INTERPOL novices" (how tiny.en wrote the sample's "INTERPOL notices")
    audio, transcript = notices
    glossary = load_glossary(CT)
    words = [w.text for s in transcript.segments for w in s.words]
    at = next(i for i, w in enumerate(words) if w.lower() == "interpol")
    assert words[at + 1] == "notices", words  # tiny.en hears this voice right
    wrong = misheard(transcript, words[at:at + 2], ["INTERPOL", "novices"])
    fixed, log = listen_again(wrong, audio, glossary, model)
    assert "against INTERPOL notices" in fixed.text, fixed.text
    assert [(c.before, c.after) for c in log] == [("INTERPOL novices", "INTERPOL notices")]
    # and where the audio says the word as heard, the term is left as it is
    plain, log = listen_again(transcript, audio, glossary, model)
    assert log == [] and plain.text == transcript.text


def unsure(text: str) -> Transcript:
    """A transcript of ``text`` whose words recognition was unsure of, a word a second."""
    words = [Word(text=t, start=float(k), end=k + 0.8, probability=0.3) for k, t in enumerate(text.split())]
    end = float(len(words))
    return Transcript(language="en", duration=end, segments=[Segment(0.0, end, text, words)])


def test_a_grown_term_is_as_sure_as_the_words_it_adds_are_like_the_heard_ones():
    # on an espeak-ng webinar "Christchurch attack" became Christchurch Call (the audio favoured
    # it by -2.3, within the margin that the written "Christchurch" had earned the span)
    glossary = read_csv("term,aliases,definition\nChristchurch Call,,\nChristchurch,,\n"
                        "FATF recommendations,,\nFATF,,\n", "grown.csv")
    options = ListenOptions()
    checks = find_checks(unsure("After the Christchurch attack, states met. The FATF recommendation was clear."),
                         FormIndex(glossary, CorrectOptions()), options)
    margins = {c.after: margin(c, options) for c in checks}
    assert margins["Christchurch Call"] < -5  # "attack" is nothing like "Call": the audio must say it
    assert margins["FATF recommendations"] == options.most_margin  # one letter more


def heard(pairs: list[tuple[str, float]]) -> Transcript:
    """A transcript of the given words and recognition's probabilities, a word a second."""
    words = [Word(text=t, start=float(k), end=k + 0.8, probability=p) for k, (t, p) in enumerate(pairs)]
    text = " ".join(w.text for w in words)
    return Transcript(language="en", duration=float(len(words)), segments=[Segment(0.0, float(len(words)), text, words)])


def test_a_term_does_not_take_the_place_of_words_recognition_was_sure_of():
    # what the default model heard on the corpus tuning set, and the listened terms the prompt
    # made likely there: UN Security Council for "the Security Council", SCADA systems for
    # "secures the systems"; Thandiwe Dlamini for "And you wed Lumi" was right but for the "And"
    glossary = read_csv("term,aliases,definition\nSecurity Council,UN Security Council,\n"
                        "SCADA systems,,\nThandiwe Dlamini,,\n", "sure.csv")
    transcript = heard([("In", .99), ("2017", .9), ("the", .98), ("Security", .6), ("Council", .5),
                        ("adopted", .95), ("it.", .9), ("Bogdan", .4), ("secures", .62), ("the", .98),
                        ("systems.", .6), ("And", .96), ("you", .89), ("wed", .09), ("Lumi,", .05), ("welcome.", .9)])
    options = ListenOptions()
    words = transcript.segments[0].words
    kept = {}
    for check in find_checks(transcript, FormIndex(glossary, CorrectOptions()), options):
        narrowed = without_sure_words(check, words, options)
        span = " ".join(w.text for w in words[check.start:check.end])
        kept[(span, check.after)] = narrowed and " ".join(w.text for w in words[narrowed.start:narrowed.end])
    assert kept[("the Security Council", "UN Security Council")] is None  # only the sure "the" would change
    assert kept[("secures the systems.", "SCADA systems")] is None  # a sure word inside
    assert kept[("And you wed Lumi,", "Thandiwe Dlamini")] == "you wed Lumi,"  # "And" stays


ACRONYMS = read_csv("term,aliases,definition\n"
                    "ECOWAS,Economic Community of West African States,\n"
                    "ECCAS,Economic Community of Central African States,\n"
                    "UNODC,United Nations Office on Drugs and Crime,\n"
                    "UNOCT,United Nations Office of Counter-Terrorism,\n", "acronyms.csv")
ADVISERS = "I am joined by colleagues from ECOWAS and UNODC. They train the navies of the region."


@pytest.fixture(scope="module")
def advisers(tmp_path_factory):
    return heard_with_hotwords(tmp_path_factory, ADVISERS, "ECOWAS, ECCAS, UNODC, UNOCT")


@pytest.mark.speech_model
@pytest.mark.voices
def test_an_unsure_acronym_may_be_another_acronym_of_the_glossary(model, advisers):
    # with hotwords, tiny.en wrote ECCAS for ECOWAS and UNOCT for UNODC on the synthetic webinars
    audio, transcript = advisers
    assert "from ECOWAS and UNODC." in transcript.text, transcript.text
    wrong = misheard(misheard(transcript, ["ECOWAS"], ["ECCAS"]), ["UNODC."], ["UNOCT."])
    fixed, log = listen_again(wrong, audio, ACRONYMS, model)
    assert "from ECOWAS and UNODC." in fixed.text, fixed.text
    assert [(c.before, c.after) for c in log] == [("ECCAS", "ECOWAS"), ("UNOCT", "UNODC")]
    # what the audio says stays, however unsure recognition was of it
    said = [w for s in transcript.segments for w in s.words if w.text.startswith(("ECOWAS", "UNODC"))]
    assert max(w.probability for w in said) < 0.5
    plain, log = listen_again(transcript, audio, ACRONYMS, model)
    assert log == [] and plain.text == transcript.text


@pytest.mark.speech_model
@pytest.mark.voices
def test_a_sure_acronym_is_not_checked_against_the_others(model, advisers):
    audio, transcript = advisers
    wrong = misheard(transcript, ["ECOWAS"], ["ECCAS"])
    ecowas = next(w for s in wrong.segments for w in s.words if w.text == "ECCAS")
    ecowas.probability = 0.9
    fixed, log = listen_again(wrong, audio, ACRONYMS, model)
    assert "ECCAS" in fixed.text and all(c.before != "ECCAS" for c in log)


@pytest.mark.speech_model
@pytest.mark.voices
def test_rivals_are_the_acronyms_recognition_was_given(model, advisers):
    # naming both in the hotwords is what makes recognition pick the wrong one; an acronym it
    # was not given ("FTF" of a field glossary for a webinar's FATF) is not weighed as a rival
    audio, transcript = advisers
    wrong = misheard(transcript, ["ECOWAS"], ["ECCAS"])
    for hotwords, restored in [("ECOWAS, ECCAS, UNODC, UNOCT", True), ("ECCAS, UNODC, UNOCT", False), (None, True)]:
        wrong.options = {**wrong.options, "hotwords": hotwords}
        fixed, log = listen_again(wrong, audio, ACRONYMS, model)
        assert (("ECCAS", "ECOWAS") in [(c.before, c.after) for c in log]) == restored, (hotwords, log)
        assert ("from ECOWAS and" in fixed.text) == restored, fixed.text


YAOUNDE = "The Yaoundé Code of Conduct, signed in 2013, brought the navies of the region together."
YAOUNDE_GLOSSARY = read_csv("term,aliases,definition\nYaoundé Code of Conduct,Yaoundé Code,\nYaoundé,,\n", "y.csv")


@pytest.fixture(scope="module")
def yaounde(tmp_path_factory):
    return heard_with_hotwords(tmp_path_factory, YAOUNDE, "Yaoundé Code of Conduct, Yaoundé")


@pytest.mark.speech_model
@pytest.mark.voices
def test_a_written_term_grows_past_punctuation_within_a_sentence(model, yaounde):
    # how tiny.en wrote it on the maritime webinar of every seed: "Sofia, Yaoundé, Co. conduct, signed"
    audio, transcript = yaounde
    assert transcript.text.startswith("Yaoundé Code of Conduct, signed"), transcript.text
    wrong = misheard(transcript, ["Yaoundé", "Code", "of", "Conduct,"], ["Yaoundé,", "Co.", "conduct,"])
    fixed, log = listen_again(wrong, audio, YAOUNDE_GLOSSARY, model)
    assert fixed.text.startswith("Yaoundé Code of Conduct, signed in 2013"), fixed.text
    assert [(c.before, c.after) for c in log] == [("Yaoundé Co conduct", "Yaoundé Code of Conduct")]
    # not past the end of a sentence
    ended = misheard(transcript, ["Yaoundé", "Code", "of", "Conduct,"], ["Yaoundé.", "Co", "conduct,"])
    fixed, log = listen_again(ended, audio, YAOUNDE_GLOSSARY, model)
    assert log == [] and fixed.text == ended.text


@pytest.mark.speech_model
@pytest.mark.voices
def test_a_name_cut_into_short_words_is_restored(model, tmp_path_factory):
    # "is a help" for Isabel (the maritime webinar, seeds 1 and 4): three words for one
    audio, transcript = heard_with_hotwords(tmp_path_factory, "Trials take months. Isabel, what does your office add?",
                                            "Isabel Moreno, UNODC")
    glossary = read_csv("term,aliases,definition\nIsabel Moreno,Isabel,\nUNODC,,\n", "isabel.csv")
    wrong = misheard(transcript, ["Isabel,"], ["is", "a", "help,"])
    fixed, log = listen_again(wrong, audio, glossary, model)
    assert "Isabel, what does your office add?" in fixed.text, fixed.text
    assert [(c.before, c.after) for c in log] == [("is a help", "Isabel")]


@pytest.mark.speech_model
@pytest.mark.voices
def test_ordinary_words_never_become_a_term_in_a_default_run(tmp_path):
    # "This is" sounds like SIS II of the field glossary; said by flite, heard by the default model
    said = ("This is the plan for the day. This is where we start, and this is how it ends. "
            "The team said it was a busy week, and that is all for now.")
    path = tmp_path / "plain.wav"
    subprocess.run(["flite", "-voice", "slt", "-t", said, "-o", str(path)], check=True)
    audio = decode(path)
    options = AsrOptions()
    transcript = transcribe_audio(audio, options)
    fixed, log = listen_again(transcript, audio, load_glossary(CT), load_model(options))
    assert log == [] and fixed.text == transcript.text, [(c.before, c.after, c.score) for c in log]
    assert fixed.text.count("This is") + fixed.text.count("this is") >= 3
