"""Agenda files: YAML and plain text as organisers write them, and clear errors for bad ones."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from captioner.agenda.items import (
    Agenda,
    AgendaItem,
    agenda_hash,
    find_agenda,
    load_agenda,
    parse_start,
    parse_text_agenda,
)
from captioner.errors import CaptionerError, InputFileError

DATA = Path(__file__).resolve().parents[1] / "data" / "agenda"
ROOT = Path(__file__).resolve().parents[2]


def outline(agenda: Agenda) -> list[tuple[int, str, float | None]]:
    return [(item.level, item.title, item.start) for item in agenda.walk()]


def test_seed_agenda_as_pasted_from_the_invitation():
    agenda = load_agenda(DATA / "seed.agenda.txt")
    assert agenda.title == "A View to a Border: cross-border cooperation and information sharing"
    assert agenda.speakers == ["Daniel Hartmann", "Maria Fernández", "Kwame Mensah", "Elena Petrović", "James Okoro"]
    assert outline(agenda) == [
        (1, "Introduction", None),
        (1, "Western Europe", None),
        (2, "Spain: from 11-M to the 2017 Barcelona attacks", None),
        (1, "West Africa", None),
        (2, "The Accra Initiative", None),
        (2, "Operations Koudanlgou II and III", None),
        (1, "Western Balkans", None),
        (2, "The UNCCT-INTERPOL Project HOTSPOT", None),
        (1, "Interactive Dialogue", None),
        (1, "Q & A", None),
    ]


def test_numbers_letters_and_clock_ranges():
    agenda = load_agenda(DATA / "pasted.agenda.txt")
    assert agenda.title == "Securing the Sea"
    assert outline(agenda) == [
        (1, "Welcome and opening remarks", None),
        (1, "Keynote: container control in ports", None),
        (2, "Risk profiling", None),  # "2.1" under "2."
        (2, "Scanners", None),
        (1, "The Mediterranean", None),
        (2, "Coast guard cooperation", None),  # "a)" right after "3)" at the same indentation
        (2, "Vessel tracking", None),
        (1, "Questions from the audience", None),
        (1, "Closing", None),  # "14:00–14:10" is a time of day, not a start in the recording
    ]


def test_leading_timestamps_are_starts():
    agenda = load_agenda(DATA / "timed.agenda.txt")
    assert agenda.title is None  # no blank line after the first line: it is an item
    assert [(i.title, i.start) for i in agenda.items] == [
        ("Introduction", 0.0), ("Western Europe", 28.0), ("West Africa", 66.0),
        ("Western Balkans", 107.5), ("Interactive Dialogue", 149.0), ("Questions and Answers", 199.0)]


def test_the_sample_recordings_agendas_agree():
    text = load_agenda(ROOT / "recordings" / "view-to-a-border.agenda.txt")
    yaml = load_agenda(ROOT / "recordings" / "view-to-a-border.agenda.yaml")
    assert len(text.items) == len(yaml.items) == 6
    for plain, rich in zip(text.items, yaml.items):
        assert rich.title.endswith(plain.title)  # "II. West Africa..." in YAML is kept as written
    assert yaml.items[2].keywords[:2] == ["Accra Initiative", "Koudanlgou"]
    assert yaml.items[1].speakers == ["Maria Fernández"]  # `speaker:` is read as one speaker


def test_nested_yaml_with_speakers_keywords_and_starts():
    agenda = load_agenda(DATA / "nested.agenda.yaml")
    assert agenda.title == "A View to a Border"
    assert agenda.speakers == ["Daniel Hartmann", "Maria Fernández"]
    assert outline(agenda) == [
        (1, "Introduction", 0.0), (1, "Western Europe", 28.0), (1, "West Africa", None),
        (2, "The Accra Initiative", None), (2, "Operations Koudanlgou II and III", 80.5),
        (1, "Questions and Answers", None)]
    europe, africa = agenda.items[1], agenda.items[2]
    assert europe.description == "Lessons from Madrid and Barcelona."
    assert europe.keywords == ["Spain", "11-M", "Europol"]
    assert africa.keywords == ["Accra Initiative", "Koudanlgou"]  # a comma-separated string is a list


@pytest.mark.parametrize("value, seconds", [
    (90, 90.0), (12.5, 12.5), ("75", 75.0), ("01:30", 90.0), ("1:02:03", 3723.0), ("00:00:01.5", 1.5),
    ("2:05,25", 125.25), (None, None), ("", None)])
def test_start_times(value, seconds):
    assert parse_start(value, "here") == seconds


@pytest.mark.parametrize("value", ["12:75", "soon", "1:2:3:4", -5, True])
def test_bad_start_times_are_refused(value):
    with pytest.raises(InputFileError, match="here"):
        parse_start(value, "here")


@pytest.mark.parametrize("name, message", [
    ("alias-bomb.agenda.yaml", r"alias-bomb.agenda.yaml line 2: YAML aliases \(\*a\) are not allowed"),
    ("python-tag.agenda.yaml", r"python-tag.agenda.yaml line 3: YAML tag !!python/object/apply:os.system"),
    ("broken.agenda.yaml", r"broken.agenda.yaml line 4: not valid YAML"),
    ("missing-title.agenda.yaml", r"missing-title.agenda.yaml line 4: agenda item 2 has no title"),
    ("bad-start.agenda.yaml", r"bad-start.agenda.yaml line 3: start '12:75' is not a time"),
    ("unknown-key.agenda.yaml", r"unknown-key.agenda.yaml line 3: unknown item key 'strat'"),
])
def test_malformed_yaml_names_the_file_and_line(name, message):
    with pytest.raises(InputFileError, match=message):
        load_agenda(DATA / name)


def test_empty_agendas_are_refused(tmp_path):
    for name, text in [("a.agenda.yaml", ""), ("b.agenda.yaml", "title: Only a title\n"),
                       ("c.agenda.yaml", "title: x\nitems: []\n"), ("d.agenda.txt", "\n\n  \n"),
                       ("e.agenda.txt", "Title: Only a title\n")]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(InputFileError, match=rf"{name}.*(no items|empty|no 'items')"):
            load_agenda(tmp_path / name)


def test_unreadable_agendas_are_clear_errors(tmp_path):
    latin1 = tmp_path / "latin1.agenda.txt"
    latin1.write_bytes("Opening\nSesión de preguntas\n".encode("latin-1"))
    with pytest.raises(InputFileError, match=r"latin1.agenda.txt line 2: not UTF-8"):
        load_agenda(latin1)
    with pytest.raises(InputFileError, match="does not exist"):
        load_agenda(tmp_path / "missing.agenda.yaml")
    with pytest.raises(InputFileError, match="not a file"):
        load_agenda(tmp_path)
    marker_only = tmp_path / "marker.agenda.txt"
    marker_only.write_text("Opening\n2.\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"marker.agenda.txt line 2: the item has no title"):
        load_agenda(marker_only)
    scalar = tmp_path / "scalar.agenda.yaml"
    scalar.write_text("just a sentence\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="expected a mapping"):
        load_agenda(scalar)


def test_a_list_alone_is_an_agenda(tmp_path):
    path = tmp_path / "list.agenda.yaml"
    path.write_text("- Opening\n- title: Panel\n  start: 120\n", encoding="utf-8")
    assert [(i.title, i.start) for i in load_agenda(path).items] == [("Opening", None), ("Panel", 120.0)]


def test_errors_are_captioner_errors():
    assert issubclass(InputFileError, CaptionerError)


def test_find_agenda_beside_the_recording(tmp_path):
    media = tmp_path / "talk.mp3"
    media.write_bytes(b"")
    assert find_agenda(media) is None
    shutil.copy(DATA / "seed.agenda.txt", tmp_path / "talk.agenda.txt")
    assert find_agenda(media) == tmp_path / "talk.agenda.txt"
    shutil.copy(DATA / "nested.agenda.yaml", tmp_path / "talk.agenda.yaml")
    assert find_agenda(media) == tmp_path / "talk.agenda.yaml"  # YAML, the richer form, first
    assert find_agenda(ROOT / "recordings" / "view-to-a-border.mp3") == \
        ROOT / "recordings" / "view-to-a-border.agenda.yaml"


def test_agenda_hash_changes_with_what_alignment_uses():
    base = parse_text_agenda("Opening\nPanel\n")
    same = parse_text_agenda("- Opening\n- Panel\n")
    assert agenda_hash(base) == agenda_hash(same)
    moved = parse_text_agenda("Opening\n00:10 Panel\n")
    renamed = parse_text_agenda("Opening\nPanel discussion\n")
    assert len({agenda_hash(base), agenda_hash(moved), agenda_hash(renamed)}) == 3
    assert len(agenda_hash(Agenda(items=[AgendaItem(title="x")]))) == 64
