"""Aligning transcripts to agendas, on transcripts built from the sample recording's truth.

These run in well under a second: the words are the generator's own sentences, timed
within each sentence. test_align_asr.py does the same on real speech recognition.
"""
from __future__ import annotations

import copy
import statistics
from pathlib import Path

import pytest

from captioner.agenda.align import align_agenda, chapter_boundaries, split_sentences
from captioner.agenda.items import Agenda, AgendaItem, load_agenda, parse_text_agenda
from captioner.errors import CaptionerError
from captioner.model import Segment, Transcript, Word
from tests.support.align import boundary_errors, load_truth, summary, transcript_from_truth

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
DATA = Path(__file__).resolve().parents[1] / "data" / "agenda"


@pytest.fixture(scope="module")
def truth() -> dict:
    return load_truth(RECORDINGS / "view-to-a-border.truth.json")


@pytest.fixture(scope="module")
def transcript(truth) -> Transcript:
    return transcript_from_truth(truth)


def assert_covering(chapters, duration):
    top = [c for c in chapters if c.level == 1]
    assert top[0].start == 0.0
    assert top[-1].end == pytest.approx(duration)
    for before, after in zip(top, top[1:]):
        assert before.end == after.start and before.start < after.start
    for chapter in chapters:
        assert 0.0 <= chapter.confidence <= 1.0


@pytest.mark.parametrize("agenda_file", ["view-to-a-border.agenda.txt", "view-to-a-border.agenda.yaml"])
def test_sample_every_chapter_in_order_and_near_the_truth(truth, transcript, agenda_file):
    chapters, warnings = align_agenda(transcript, load_agenda(RECORDINGS / agenda_file))
    errors = boundary_errors(chapters, truth)
    print(f"\nsample, truth transcript, {agenda_file}: {summary(errors)}")
    assert statistics.median(errors) <= 1.0, summary(errors)
    assert max(errors) <= 3.0, summary(errors)
    assert_covering(chapters, transcript.duration)
    assert not any("not found" in w for w in warnings)


def test_given_start_times_are_kept_exactly(truth, transcript):
    chapters, _ = align_agenda(transcript, load_agenda(DATA / "timed.agenda.txt"))
    assert [(c.title, c.start, c.fixed, c.confidence) for c in chapters] == [
        ("Introduction", 0.0, True, 1.0), ("Western Europe", 28.0, True, 1.0), ("West Africa", 66.0, True, 1.0),
        ("Western Balkans", 107.5, True, 1.0), ("Interactive Dialogue", 149.0, True, 1.0),
        ("Questions and Answers", 199.0, True, 1.0)]
    assert chapters[-1].end == pytest.approx(transcript.duration)


def test_one_given_start_is_kept_and_the_others_found(truth, transcript):
    agenda = load_agenda(RECORDINGS / "view-to-a-border.agenda.txt")
    agenda.items[3].start = 100.0  # Western Balkans, said from 101.6 s on
    chapters, _ = align_agenda(transcript, agenda)
    assert chapters[3].start == 100.0 and chapters[3].fixed
    assert chapters[2].end == 100.0
    others = [abs(c.start - item["start"]) for c, item in zip(chapters, truth["items"]) if not c.fixed][1:]
    assert max(others) <= 3.0


def test_a_start_time_inside_a_sentence_is_still_exact(transcript):
    agenda = parse_text_agenda("Opening\n01:00.25 The middle\nThe end\n")
    chapters, _ = align_agenda(transcript, agenda)
    assert chapters[1].start == 60.25 and chapters[0].end == 60.25
    assert chapters[2].start > 60.25


def test_a_first_item_given_after_zero_gets_a_lead_in_chapter(transcript):
    agenda = parse_text_agenda("Title: Webinar\n\n00:20 Opening\n03:00 Questions\n")
    chapters, _ = align_agenda(transcript, agenda)
    assert [(c.title, c.start) for c in chapters] == [("Webinar", 0.0), ("Opening", 20.0), ("Questions", 180.0)]


@pytest.mark.parametrize("text, message", [
    ("Opening\n02:00 Panel\n01:00 Questions\n", "out of order.*'Questions' at 1:00 comes after 'Panel' at 2:00"),
    ("Opening\n02:00 Panel\n02:00 Questions\n", "out of order"),
    ("Opening\n1:00:00 Panel\n", r"'Panel' starts at 1:00:00, past the end of the recording \(3:27\)"),
])
def test_bad_start_times_are_clear_errors(transcript, text, message):
    with pytest.raises(CaptionerError, match=message):
        align_agenda(transcript, parse_text_agenda(text))


def test_empty_agenda_and_too_many_items_are_clear_errors(transcript):
    with pytest.raises(CaptionerError, match="no items"):
        align_agenda(transcript, Agenda())
    many = Agenda(items=[AgendaItem(title=f"Item {i}") for i in range(len(split_sentences(transcript.words)) + 1)])
    with pytest.raises(CaptionerError, match=r"41 items to place but the transcript has only 40 sentences"):
        align_agenda(transcript, many)
    silent = Transcript(language="en", duration=30.0)
    with pytest.raises(CaptionerError, match="no words"):
        align_agenda(silent, parse_text_agenda("Opening\nPanel\n"))
    chapters, _ = align_agenda(silent, parse_text_agenda("00:00 Opening\n00:10 Panel\n"))
    assert [(c.start, c.end) for c in chapters] == [(0.0, 10.0), (10.0, 30.0)]


def test_sub_items_nest_inside_their_parent(truth, transcript):
    text = (RECORDINGS / "view-to-a-border.agenda.txt").read_text(encoding="utf-8").splitlines()
    # West Africa becomes a parent of two sub-items: the Accra Initiative, then Koudanlgou
    nested = "\n".join(text[:2] + ["II. West Africa", "    a) The Accra Initiative",
                                   "    b) Operations Koudanlgou II and III"] + text[3:]) + "\n"
    chapters, _ = align_agenda(transcript, parse_text_agenda(nested))
    titles = [(c.level, c.title) for c in chapters]
    assert titles[2:5] == [(1, "West Africa"), (2, "The Accra Initiative"), (2, "Operations Koudanlgou II and III")]
    parent, first, second = chapters[2:5]
    assert parent.start <= first.start < second.start < parent.end == chapters[5].start
    assert abs(parent.start - truth["items"][2]["start"]) <= 3.0
    koudanlgou = next(s for s in truth["sentences"] if "Koudanlgou" in s["text"])
    assert abs(second.start - koudanlgou["start"]) <= 6.0
    assert_covering(chapters, transcript.duration)


def test_an_item_that_is_not_there_gets_a_warning_not_a_chapter():
    # Two topics with uniform pauses; the agenda also lists a coffee break nobody took.
    budget = ["The budget for next year grows by four percent.", "Most of the budget goes to salaries.",
              "The budget also funds new equipment.", "Auditors reviewed the budget in March."]
    weather = ["The weather this winter was unusually mild.", "Rain fell mostly in the north.",
               "Snow came late in the mountains.", "Forecasters expect a warm weather spring."]
    words, at = [], 0.5
    for sentence in budget + weather:
        for token in sentence.split():
            words.append(Word(text=token, start=at, end=at + 0.3))
            at += 0.35
        at += 0.6
    transcript = Transcript(language="en", duration=at + 1.0,
                            segments=[Segment(start=0.5, end=at, text="", words=words)])
    agenda = parse_text_agenda("The budget\nCoffee break\nThe weather\n")
    chapters, warnings = align_agenda(transcript, agenda)
    assert [c.title for c in chapters] == ["The budget", "The weather"]
    weather_start = next(w.start for w in words if w.text == "The" and w.start > 10 and words[words.index(w) + 1].text == "weather")
    assert chapters[1].start == pytest.approx(weather_start)
    assert any("'Coffee break' was not found" in w for w in warnings)


def test_transition_phrases_and_pauses_place_items_without_their_words(truth):
    # Titles that the speakers never say: the boundaries come from pauses and "Thank you ... now turn to".
    blind = copy.deepcopy(truth)
    agenda = Agenda(items=[AgendaItem(title=f"Part {letter}") for letter in "ABCDEF"])
    chapters, _ = align_agenda(transcript_from_truth(blind), agenda)
    errors = [abs(c.start - item["start"]) for c, item in zip(chapters[1:], truth["items"][1:])]
    assert len(chapters) == 6 and statistics.median(errors) <= 1.0 and max(errors) <= 10.0


def test_glossary_expansions_are_used(truth, transcript):
    from captioner.glossary.formats import load_glossary

    glossary = load_glossary(ROOT / "glossary" / "counter-terrorism.yaml")
    chapters, _ = align_agenda(transcript, load_agenda(RECORDINGS / "view-to-a-border.agenda.txt"), glossary)
    assert max(boundary_errors(chapters, truth)) <= 3.0


def test_expand_terms_links_acronyms_and_expansions():
    from captioner.agenda.terms import expand_terms
    from captioner.glossary.formats import load_glossary

    glossary = load_glossary(ROOT / "glossary" / "counter-terrorism.yaml")
    forms = expand_terms(glossary, "III. Western Balkans: the UNCCT-INTERPOL Project HOTSPOT")
    assert {"UNCCT", "INTERPOL", "Project HOTSPOT"} <= forms
    assert any("Counter-Terrorism Centre" in f for f in forms)
    assert expand_terms(glossary, "Coffee break") == set()
    assert expand_terms(None, "anything") == set()


def test_chapter_boundaries_for_the_caption_segmenter(transcript):
    agenda = load_agenda(DATA / "nested.agenda.yaml")
    chapters, _ = align_agenda(transcript, agenda)
    boundaries = chapter_boundaries(chapters)
    assert boundaries == sorted(set(boundaries)) and 0.0 not in boundaries
    assert {28.0, 80.5} <= set(boundaries)
    assert set(boundaries) == {round(c.start, 3) for c in chapters if c.start > 0}


def test_sentences_end_at_punctuation_pauses_and_speaker_changes():
    def word(text, start, speaker=None):
        return Word(text=text, start=start, end=start + 0.3, speaker=speaker)

    words = [word("Hello", 0.0), word("there.", 0.4), word("No", 0.8), word("punctuation", 1.2),
             word("here", 3.0), word("and", 3.4, "A"), word("then", 3.8, "B")]
    sentences = split_sentences(words)
    assert [s.text for s in sentences] == ["Hello there.", "No punctuation", "here and", "then"]
    assert sentences[2].gap_before == pytest.approx(1.5)


def test_caption_cues_never_straddle_a_chapter_boundary(transcript):
    from captioner.captions.segment import make_captions

    chapters, _ = align_agenda(transcript, load_agenda(DATA / "nested.agenda.yaml"))
    aligned = copy.copy(transcript)
    aligned.chapters = chapters
    track, _ = make_captions(aligned)
    boundaries = chapter_boundaries(chapters)
    assert len(track.cues) > 30 and len(boundaries) >= 4
    for boundary in boundaries:
        assert not [c for c in track.cues if c.start < boundary - 1e-6 and c.end > boundary + 1e-6], boundary


def test_a_compound_recognition_wrote_as_two_words_still_names_its_item():
    """"front line" in speech is "frontline" in the title: the opening's overview names that item
    too, so it is an overview and not the start of the item it names first."""
    from captioner.agenda.evidence import split_sentences as evidence_sentences
    from captioner.agenda.terms import content_stems, joined_stems

    assert "frontlin" in joined_stems("a border guard who trains front line officers")
    assert joined_stems("the data base") == [content_stems("database")[0]]
    assert joined_stems("to the") == []  # stopwords are not joined
    words = [Word(w, i * 0.4, i * 0.4 + 0.3, 0.9) for i, w in enumerate("We train front line officers.".split())]
    assert "frontlin" in evidence_sentences(words)[0].stems
