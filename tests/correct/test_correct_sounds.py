"""Correction of the misrecognitions Whisper makes of any glossary: rhyming letters in spelled
acronyms, numbered terms, homophone names, commas at pauses, compounds, segment cuts."""
from __future__ import annotations

from pathlib import Path

import pytest

from captioner.correct.spelling import correct_transcript
from captioner.glossary.formats import load_glossary, read_csv
from captioner.model import Segment, Transcript, Word
from tests.correct.test_correct import transcript

ROOT = Path(__file__).resolve().parents[2]
CT = ROOT / "glossary" / "counter-terrorism.yaml"

SMALL = read_csv(
    "term,aliases,definition\n"
    "Christchurch,,\n"
    "Egmont Group,,\n"
    "UNODC,United Nations Office on Drugs and Crime,\n"
    "GIFCT,,\n"
    "ECOWAS,,\n"
    "resolution 2482,,\n"
    "Lukas Brenner,Lukas,\n"
    "Viktor Novak,Viktor,\n"
    "crowdfunding,,\n"
    "G5 Sahel,,\n"
    "terrorist travel,,\n",
    "small.csv")


@pytest.fixture(scope="module")
def ct():
    return load_glossary(CT)


def fixed(glossary, *sentences: str) -> tuple[str, list]:
    out, log = correct_transcript(transcript(*sentences), glossary)
    return out.text, log


@pytest.mark.parametrize("heard, right", [
    ("what does UNOBC add?", "what does UNODC add?"),  # B and D rhyme
    ("Through the GIFCD, platforms share", "Through the GIFCT, platforms share"),
    ("what about revolution 2482?", "what about resolution 2482?"),  # the number is the evidence
    ("Thank you, Omar and Lucas.", "Thank you, Omar and Lukas."),
    ("Victor, what about it?", "Viktor, what about it?"),
    ("After the Chris Church attack", "After the Christchurch attack"),  # ordinary words, one rare name
    ("through the Edmond Group we", "through the Egmont Group we"),
    ("money transfer and crowd funding platforms", "money transfer and crowdfunding platforms"),
    ("We also coordinate with the G5, Sahel.", "We also coordinate with the G5 Sahel."),
    ("on Countering Terrorist Travel today", "on Countering terrorist travel today"),
    ("Terrorist Travel is down.", "Terrorist travel is down."),  # a sentence's capital stays
])
def test_general_misrecognitions_are_fixed(heard, right):
    assert fixed(SMALL, heard)[0] == right


@pytest.mark.parametrize("sentence", [
    "The FBI and the NATO summit.",  # well-known acronyms of their own
    "The ABC of it.",  # no glossary acronym of that length and sound
    "what about revolution 2483?",  # another number
    "the revolution was televised",  # no number, ordinary words
    "lucas was there",  # a homophone is only taken for a capitalised name
    "the G5, the Sahel",  # a comma is only taken out inside an exact form
])
def test_near_misses_stay(sentence):
    assert fixed(SMALL, sentence) == (sentence, [])


def test_two_acronyms_that_fit_as_well_give_no_change():
    glossary = read_csv("term,aliases,definition\nUNODC,,\nUNOTC,,\n", "two.csv")
    assert fixed(glossary, "the UNOBC team")[1] == []


def test_rules_are_logged(ct):
    text, log = fixed(ct, "states use API, VNR and biometrics, with UNGGT and the FLTE database")
    assert text == "states use API, PNR and biometrics, with UNCCT and the SLTD database"
    assert [(c.before, c.after, c.rule) for c in log][:2] == [("VNR", "PNR", "letters"), ("UNGGT", "UNCCT", "letters")]
    assert [c.after for c in log][2] in ("SLTD", "SLTD database")  # by its letters, or as the longer form


def test_mid_sentence_capitals_follow_the_glossary(ct):
    assert fixed(ct, "Security Council Resolution 2396 asks")[0] == "Security Council resolution 2396 asks"
    assert fixed(ct, "Returnees and relocators were checked.")[0] == "Returnees and relocators were checked."


def test_the_hot_spot_stays_while_a_lower_case_compound_is_joined(ct):
    assert fixed(ct, "The hot spot for tourists is the old harbour.")[1] == []
    assert fixed(ct, "against national watch lists today")[0] == "against national watchlists today"


def test_a_term_cut_by_a_segment_boundary_is_fixed_in_the_first_segment():
    words = [Word("platforms", 0.0, 0.5), Word("and", 0.6, 0.8), Word("crowd", 0.9, 1.3),
             Word("funding", 1.4, 1.9), Word("works.", 2.0, 2.4)]
    t = Transcript(language="en", duration=3.0, segments=[
        Segment(start=0.0, end=1.3, text="platforms and crowd", words=words[:3]),
        Segment(start=1.4, end=2.4, text="funding works.", words=words[3:])])
    out, log = correct_transcript(t, SMALL)
    first, second = out.segments
    assert [w.text for w in first.words] == ["platforms", "and", "crowdfunding"]
    assert (first.words[-1].start, first.words[-1].end) == (0.9, 1.9) and first.end == 1.9
    assert [w.text for w in second.words] == ["works."] and second.start == 2.0
    assert first.text == "platforms and crowdfunding" and out.text == "platforms and crowdfunding works."
    assert [(c.before, c.after, c.rule) for c in log] == [("crowd funding", "crowdfunding", "joining")]


def test_a_segment_whose_words_all_moved_is_dropped():
    words = [Word("the", 0.0, 0.2), Word("G5", 0.3, 0.6), Word("sahel.", 0.7, 1.2)]
    t = Transcript(language="en", duration=2.0, segments=[
        Segment(start=0.0, end=0.6, text="the G5", words=words[:2]),
        Segment(start=0.7, end=1.2, text="sahel.", words=words[2:])])
    out, _ = correct_transcript(t, SMALL)
    assert len(out.segments) == 1 and out.text == "the G5 Sahel."
