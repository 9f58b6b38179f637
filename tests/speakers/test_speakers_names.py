"""Naming voices from the agenda, the producer's speakers file, word assignment, speaking time."""
from __future__ import annotations

import pytest

from captioner.errors import CaptionerError, InputFileError
from captioner.model import Chapter, Word
from captioner.speakers.diarize import Turn, assign_words, detect_turns
from captioner.speakers.names import (
    SpeakerEdits,
    apply_edits,
    apply_names,
    find_speaker_edits,
    load_speaker_edits,
    name_speakers,
    parse_speaker_edits,
    speaking_time,
)


def webinar_turns() -> list[Turn]:
    """A moderator (S1) hands over to two panellists (S2, S3); an audience member (S4) asks a question."""
    return [
        Turn(0, 30, "S1"),  # introduction
        Turn(31, 35, "S1"), Turn(36, 90, "S2"),  # item 1: the moderator hands over to S2
        Turn(91, 95, "S1"), Turn(96, 150, "S3"),  # item 2: S3
        Turn(151, 160, "S1"), Turn(161, 170, "S4"), Turn(171, 185, "S2"),  # Q&A
    ]


CHAPTERS = [
    Chapter("Introduction", 0, 30.5, speakers=["Daniel Hartmann"]),
    Chapter("Spain", 30.5, 90.5, speakers=["Maria Fernández"]),
    Chapter("West Africa", 90.5, 150.5, speakers=["Kwame Mensah"]),
    Chapter("Questions and answers", 150.5, 185, speakers=["Maria Fernández", "Kwame Mensah"]),
]


def test_dominant_voice_of_an_item_takes_its_speakers_name_everywhere():
    mapping = name_speakers(webinar_turns(), CHAPTERS)
    assert mapping == {"S1": "Daniel Hartmann", "S2": "Maria Fernández", "S3": "Kwame Mensah", "S4": "Speaker 1"}
    named = apply_names(webinar_turns(), mapping)
    assert [t.speaker for t in named if t.start > 150] == ["Daniel Hartmann", "Speaker 1", "Maria Fernández"]


def test_two_names_never_land_on_one_voice():
    # the moderator talks longest in both items; the panellist S2 only a little in item 2
    turns = [Turn(0, 40, "S1"), Turn(40, 50, "S2"), Turn(50, 100, "S1"), Turn(100, 120, "S2")]
    chapters = [Chapter("Opening", 0, 50, speakers=["Daniel Hartmann"]),
                Chapter("Spain", 50, 120, speakers=["Maria Fernández"])]
    mapping = name_speakers(turns, chapters)
    assert sorted(mapping.values()) == ["Daniel Hartmann", "Maria Fernández"]
    assert mapping["S1"] == "Daniel Hartmann"


def test_a_voice_that_says_two_speakers_items_is_not_named_after_either():
    # the agenda names Maria for item 2, but the voice heard there is the one heard in Daniel's item: either
    # Maria did not speak or the two voices could not be told apart; a wrong name is worse than none
    turns = [Turn(0, 40, "S1"), Turn(40, 90, "S1"), Turn(90, 92, "S2")]
    chapters = [Chapter("Opening", 0, 40, speakers=["Daniel Hartmann"]),
                Chapter("Spain", 40, 100, speakers=["Maria Fernández"])]
    assert name_speakers(turns, chapters) == {"S1": "Speaker 1 (unsure)", "S2": "Speaker 2"}
    # two similar voices heard as one across Ana's and Ben's items; the moderator keeps her name
    turns = [Turn(0, 20, "S1"), Turn(20, 60, "S2"), Turn(60, 64, "S1"), Turn(64, 100, "S2"), Turn(100, 104, "S1")]
    chapters = [Chapter("Welcome", 0, 20, speakers=["Carla Ruiz"]), Chapter("Ports", 20, 62, speakers=["Ana Silva"]),
                Chapter("Airports", 62, 104, speakers=["Ben Okafor"])]
    assert name_speakers(turns, chapters) == {"S1": "Carla Ruiz", "S2": "Speaker 1 (unsure)"}


def test_an_unsure_voice_is_shown_as_chevrons_whatever_the_label_style():
    from captioner.formats.labels import change_labels, dialogue_labels

    assert change_labels("Speaker 1 (unsure)", "name") == [">>"] == change_labels("Speaker 1 (unsure)", "chevrons")
    assert change_labels("Speaker 1 (unsure)", "none") == []
    assert dialogue_labels("Speaker 1 (unsure)", "name") == ["-"]
    assert change_labels("Speaker 1", "name") == ["SPEAKER 1:", ">>"]


def test_without_an_agenda_voices_are_numbered_in_order_of_appearance():
    turns = [Turn(5, 9, "S2"), Turn(0, 4, "S1"), Turn(10, 12, "S3")]
    assert name_speakers(turns, []) == {"S1": "Speaker 1", "S2": "Speaker 2", "S3": "Speaker 3"}
    assert name_speakers([], CHAPTERS) == {}


def test_words_take_the_turn_they_overlap_most_or_the_nearest():
    turns = [Turn(0.0, 2.0, "A"), Turn(2.5, 5.0, "B"), Turn(9.0, 10.0, "A")]
    words = [
        Word("one", 0.1, 0.4), Word("two", 1.8, 2.6),  # 0.2 s in A, 0.1 s in B
        Word("three", 2.1, 2.7),  # mostly in B
        Word("gap", 6.0, 6.3),  # between turns: nearest is B (ends at 5.0)
        Word("late", 8.5, 8.8), Word("after", 11.0, 11.5),
    ]
    assign_words(words, turns)
    assert [w.speaker for w in words] == ["A", "A", "B", "B", "A", "A"]
    assert words[0].start == 0.1 and words[0].end == 0.4  # times untouched
    assign_words(words, [])  # no turns: nothing changes
    assert words[0].speaker == "A"


def test_speaking_time_from_turns_or_words():
    named = apply_names(webinar_turns(), name_speakers(webinar_turns(), CHAPTERS))
    times = speaking_time(named)
    assert list(times)[0] == "Maria Fernández"  # most first
    assert times == {"Maria Fernández": 68.0, "Kwame Mensah": 54.0, "Daniel Hartmann": 47.0, "Speaker 1": 9.0}
    words = [Word("a", 0, 0.5, speaker="X"), Word("b", 0.5, 1.25, speaker="Y"), Word("c", 2, 2.25, speaker="X"),
             Word("d", 3, 4)]
    assert speaking_time(words) == {"Y": 0.8, "X": 0.8}


def test_detect_turns_rejects_impossible_bounds_and_finds_nothing_in_silence():
    import numpy as np

    silence = np.zeros(16000 * 3, dtype=np.float32)
    with pytest.raises(CaptionerError, match="max_speakers"):
        detect_turns(silence, 16000, max_speakers=1, min_speakers=2)
    with pytest.raises(CaptionerError, match="min_speakers"):
        detect_turns(silence, 16000, min_speakers=0)
    assert detect_turns(silence, 16000) == []
    assert detect_turns(silence, 16000, speech_spans=[]) == []


# --- the producer's speakers file --------------------------------------------------------

NAMED = [Turn(0, 5, "Daniel Hartmann"), Turn(5, 9, "Speaker 1"), Turn(9, 12, "Speaker 2"), Turn(12, 20, "Kwame Mensah")]


def test_rename_and_merge_apply_in_order():
    edits = parse_speaker_edits(
        "rename:\n  Speaker 1: Amina Diallo\nmerge:\n  - [Speaker 2, Kwame Mensah]\n", "x.speakers.yaml"
    )
    turns, warnings = apply_edits(NAMED, edits)
    assert [t.speaker for t in turns] == ["Daniel Hartmann", "Amina Diallo", "Kwame Mensah", "Kwame Mensah"]
    assert [(t.start, t.end) for t in turns] == [(t.start, t.end) for t in NAMED]
    assert warnings == []


def test_renames_are_simultaneous_so_two_names_can_be_swapped():
    edits = parse_speaker_edits("rename:\n  Daniel Hartmann: Kwame Mensah\n  Kwame Mensah: Daniel Hartmann\n")
    turns, _ = apply_edits(NAMED, edits)
    assert [t.speaker for t in turns] == ["Kwame Mensah", "Speaker 1", "Speaker 2", "Daniel Hartmann"]


def test_merge_uses_new_names_and_keeps_the_last_name_of_a_group():
    edits = parse_speaker_edits(
        "rename: {Speaker 1: Amina Diallo}\nmerge:\n  - [Amina Diallo, Speaker 2, Elena Petrović]\n"
    )
    turns, warnings = apply_edits(NAMED, edits)
    assert [t.speaker for t in turns] == ["Daniel Hartmann", "Elena Petrović", "Elena Petrović", "Kwame Mensah"]
    assert warnings == []


def test_names_not_detected_are_warnings_not_errors():
    edits = parse_speaker_edits("rename:\n  Speaker 7: Somebody\nmerge:\n  - [Speaker 9, Kwame Mensah]\n")
    turns, warnings = apply_edits(NAMED, edits)
    assert [t.speaker for t in turns] == [t.speaker for t in NAMED]
    assert len(warnings) == 2 and "Speaker 7" in warnings[0] and "Speaker 9" in warnings[1]


def test_empty_speakers_file_changes_nothing():
    assert not parse_speaker_edits("")
    assert not parse_speaker_edits("# nothing yet\n")
    assert parse_speaker_edits("rename:\nmerge:\n") == SpeakerEdits()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rename: [a, b\n", r"line \d+: not valid YAML"),
        ("- Speaker 1\n", "expected a mapping with 'rename' and/or 'merge', got a list"),
        ("renames:\n  Speaker 1: Amina\n", "unknown key 'renames'"),
        ("rename: Amina Diallo\n", "'rename' must map detected names to new names"),
        ("rename:\n  Speaker 1:\n", "rename of 'Speaker 1': None is not a speaker name"),
        ("merge: Speaker 2\n", "'merge' must be a list of groups"),
        ("merge:\n  - [Speaker 2]\n", "merge group 1 must list two or more names"),
        ("merge:\n  - [Speaker 2, A]\n  - [Speaker 2, B]\n", "'Speaker 2' is merged twice"),
        ("merge:\n  - [Speaker 2, {a: b}]\n", "merge group 1: {'a': 'b'} is not a speaker name"),
        ("rename: !!python/object:os.system {}\n", "not valid YAML"),
    ],
)
def test_malformed_speakers_file_says_what_is_wrong(text, message):
    with pytest.raises(InputFileError, match=message) as caught:
        parse_speaker_edits(text, "talk.speakers.yaml")
    assert str(caught.value).startswith("talk.speakers.yaml")
    assert "\n" not in str(caught.value)


def test_speakers_file_beside_the_recording(tmp_path):
    media = tmp_path / "talk.mp3"
    media.write_bytes(b"")
    assert find_speaker_edits(media) is None
    path = tmp_path / "talk.speakers.yaml"
    path.write_text("rename:\n  Speaker 1: Amina Diallo\n", encoding="utf-8")
    assert find_speaker_edits(media) == path
    assert load_speaker_edits(path).rename == {"Speaker 1": "Amina Diallo"}
    path.write_bytes(b"rename:\n  Speaker 1: \xff\xfe\n")
    with pytest.raises(InputFileError, match="not UTF-8"):
        load_speaker_edits(path)
    with pytest.raises(InputFileError, match="does not exist"):
        load_speaker_edits(tmp_path / "missing.speakers.yaml")


def test_an_agenda_role_labels_its_voice_until_a_name_is_given(tmp_path):
    # "Moderator" in the agenda is a role, not a person: the voice that says the moderator's items is
    # labelled with it, and speakers.yaml can put the person's name on it
    turns = [Turn(0, 30, "S1"), Turn(30, 80, "S2"), Turn(80, 90, "S1")]
    chapters = [Chapter("Opening", 0, 30, speakers=["Moderator"]), Chapter("Ports", 30, 90, speakers=["Ana Silva"])]
    mapping = name_speakers(turns, chapters)
    assert mapping == {"S1": "Moderator", "S2": "Ana Silva"}
    edits = tmp_path / "talk.speakers.yaml"
    edits.write_text("rename:\n  Moderator: Samir Khoury\n", encoding="utf-8")
    named, warnings = apply_edits(apply_names(turns, mapping), load_speaker_edits(edits))
    assert [t.speaker for t in named] == ["Samir Khoury", "Ana Silva", "Samir Khoury"] and not warnings
