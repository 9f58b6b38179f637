"""Edits teach: the producer's corrections propose sound-alikes; `glossary review` lists them,
`glossary accept` writes them (comments kept), an approval in the edits file corrects the
recording's other occurrences."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from captioner.cli.glossary import glossary_group
from captioner.correct.edits import Edits, TermApproval, WordEdit, load_edits, save_edits
from captioner.correct.spelling import correct_transcript
from captioner.correct.teach import proposals, with_producer_terms
from captioner.glossary.formats import load_glossary
from captioner.model import Segment, Transcript, Word

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_GLOSSARY = ROOT / "tests" / "data" / "glossary" / "sample.yaml"


def _edit(said: str, correct: str, start: float = 3.0) -> WordEdit:
    return WordEdit(start, start + 0.8, said, correct, "welcome to", "the region")


def test_a_correction_into_a_term_or_the_same_one_twice_is_proposed_and_nothing_else():
    glossary = load_glossary(SAMPLE_GLOSSARY)
    edits = {
        "webinar-1": Edits(words=[
            _edit("the Akra-Hinitiative,", "the Accra Initiative,"),  # into a term: what was heard of it
            _edit("inter pol", "INTERPOL", 9.0),  # only joined: the correction's own rules do it
            _edit("acronym initiative", "Accra Initiative", 12.0),  # the glossary has it already
            _edit("Sahil", "Sahel", 20.0),  # once, and no term: not yet
            _edit("the", "a", 25.0),  # an everyday word: never a sound-alike
            _edit("the", "a", 26.0),
        ]),
        "webinar-2": Edits(words=[_edit("Sahil", "Sahel", 40.0)]),  # the same mishearing fixed twice
    }
    found = {p.heard: p for p in proposals(glossary, edits)}
    assert set(found) == {"akra-hinitiative", "sahil"}
    assert found["akra-hinitiative"].target == "Accra Initiative"
    assert found["akra-hinitiative"].concept == "accra-initiative"
    assert found["akra-hinitiative"].where == ["webinar-1 0:03"]
    assert found["sahil"].target == "Sahel" and found["sahil"].concept is None
    assert found["sahil"].where == ["webinar-1 0:20", "webinar-2 0:40"]


def test_an_approved_sound_alike_corrects_every_occurrence_in_the_recording(tmp_path):
    glossary = load_glossary(SAMPLE_GLOSSARY)
    words = [Word(t, k * 0.5, k * 0.5 + 0.4) for k, t in enumerate(
        "the Decra nativity met and the Decra nativity agreed".split())]
    transcript = Transcript(language="en", duration=6.0, segments=[Segment(0, 5.0, "", words)])
    edits = Edits(terms=[TermApproval("Decra nativity", "Accra Initiative")])
    save_edits(tmp_path / "x.edits.yaml", edits, "x")
    assert load_edits(tmp_path / "x.edits.yaml").terms == edits.terms
    before = correct_transcript(transcript, glossary)[0]
    assert "Decra nativity" in before.text
    taught = with_producer_terms(glossary, load_edits(tmp_path / "x.edits.yaml"))
    fixed = correct_transcript(transcript, taught)[0]
    assert fixed.text == "the Accra Initiative met and the Accra Initiative agreed"
    assert not glossary.get("accra-initiative").sounds_like[-1].heard == "Decra nativity"  # the glossary is untouched


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "glossary").mkdir()
    (tmp_path / "recordings").mkdir()
    shutil.copy(SAMPLE_GLOSSARY, tmp_path / "glossary" / "sample.yaml")
    save_edits(tmp_path / "recordings" / "webinar-1.edits.yaml",
               Edits(words=[_edit("the Akra-Hinitiative,", "the Accra Initiative,"), _edit("Sahil", "Sahel", 20.0)]),
               "webinar-1")
    save_edits(tmp_path / "recordings" / "webinar-2.edits.yaml", Edits(words=[_edit("Sahil", "Sahel", 40.0)]),
               "webinar-2")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(glossary_group, list(args), catch_exceptions=False)


def test_review_lists_the_proposals_and_accept_writes_them_keeping_the_comments(project):
    listed = run("review")
    assert listed.exit_code == 0, listed.output
    assert "2 sound-alikes proposed by the corrections in recordings/" in listed.output
    assert "1. 'akra-hinitiative' -> Accra Initiative   corrected at webinar-1 0:03" in listed.output
    assert "2. 'sahil' -> Sahel (a new entry)   corrected at webinar-1 0:20, webinar-2 0:40" in listed.output
    assert "sound-alikes" in run("review", "--lang", "es").output  # with the translations to review

    file = project / "glossary" / "sample.yaml"
    comments = [line for line in file.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    accepted = run("accept", "1", "sahil")
    assert accepted.exit_code == 0, accepted.output
    assert "2 sound-alikes written to glossary/sample.yaml" in accepted.output
    text = file.read_text(encoding="utf-8")
    assert all(line in text.splitlines() for line in comments)
    data = yaml.safe_load(text)
    by_id = {c["id"]: c for c in data["concepts"]}
    assert "akra-hinitiative" in by_id["accra-initiative"]["sounds_like"]
    assert by_id["sahel"]["term"] == "Sahel" and by_id["sahel"]["sounds_like"] == ["sahil"]
    glossary = load_glossary(file)
    assert glossary.lookup("Sahel").sounds_like_pairs() == [("sahil", "Sahel")]
    assert "No sound-alikes proposed" in run("review").output  # the glossary has them now


def test_accept_refuses_what_review_does_not_list_and_writes_nothing(project):
    before = (project / "glossary" / "sample.yaml").read_bytes()
    result = CliRunner().invoke(glossary_group, ["accept", "7"])
    assert result.exit_code == 1 and result.output.strip() == "error: no proposal 7: `captioner glossary review` lists 2"
    result = CliRunner().invoke(glossary_group, ["accept", "a webinar"])
    assert result.exit_code == 1 and "no proposed sound-alike 'a webinar'" in result.output
    result = CliRunner().invoke(glossary_group, ["accept"])
    assert result.exit_code == 2 and "or --all" in result.output
    assert (project / "glossary" / "sample.yaml").read_bytes() == before


def test_a_sound_alike_is_written_after_the_terms_forms_as_the_file_lays_them_out():
    from captioner.correct.teach import add_sound_alike
    from captioner.glossary.formats.yamlfile import update_sounds_like

    glossary = load_glossary(SAMPLE_GLOSSARY)
    concept = add_sound_alike(glossary, "inter pole", "INTERPOL")
    text = update_sounds_like(SAMPLE_GLOSSARY.read_text(encoding="utf-8"), "sample.yaml", [concept])
    lines = text.splitlines()
    at = lines.index("    term: INTERPOL")
    assert lines[at + 1:at + 3] == ["    expansion: International Criminal Police Organization",
                                    "    sounds_like: [inter pole]"]
    assert load_glossary_text(text).get("interpol").sounds_like_pairs() == [("inter pole", "INTERPOL")]


def load_glossary_text(text: str):
    from captioner.glossary.formats import read_yaml

    return read_yaml(text, "sample.yaml")


def test_review_names_an_edits_file_it_cannot_read_and_lists_the_others(project):
    (project / "recordings" / "broken.edits.yaml").write_text("words: [\n", encoding="utf-8")
    result = CliRunner().invoke(glossary_group, ["review"])
    assert result.exit_code == 0
    assert "warning: recordings/broken.edits.yaml line 2: not valid YAML; fix it or remove the edit (skipped)" \
        in result.output
    assert "2 sound-alikes proposed" in result.output
