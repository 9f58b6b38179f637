"""`captioner agenda`: realign a transcript to its agenda and write the chapter files."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from captioner.cli.agenda import agenda_command
from captioner.cli.main import CaptionerGroup
from captioner.model import MediaInfo, load_transcript, transcript_to_json
from tests.support.align import load_truth, transcript_from_truth

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
DATA = Path(__file__).resolve().parents[1] / "data" / "agenda"

cli = CaptionerGroup(commands={"agenda": agenda_command})  # as the real `captioner` group reports errors


@pytest.fixture()
def processed(tmp_path):
    """A recording folder with the sample's audio and agenda, and its transcript under out/<stem>/."""
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    media = recordings / "view-to-a-border.mp3"
    shutil.copy(RECORDINGS / "view-to-a-border.mp3", media)
    shutil.copy(RECORDINGS / "view-to-a-border.agenda.txt", recordings)
    transcript = transcript_from_truth(load_truth(RECORDINGS / "view-to-a-border.truth.json"))
    transcript.media = MediaInfo(path=str(media), sha256="0" * 64, duration=transcript.duration)
    folder = tmp_path / "out" / "view-to-a-border"
    folder.mkdir(parents=True)
    (folder / "transcript.json").write_text(transcript_to_json(transcript), encoding="utf-8")
    return tmp_path, media, folder


def test_realign_from_the_recording_finds_its_agenda(processed):
    tmp_path, media, folder = processed
    result = CliRunner().invoke(cli, ["agenda", str(media), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "0:29  Western Europe: Spain from 11-M to the 2017 Barcelona attacks" in result.stdout
    transcript = load_transcript(folder / "transcript.json")
    assert [c.title for c in transcript.chapters][-1] == "Questions and Answers"
    assert len(transcript.words) > 300  # the words are kept, only the chapters are new
    vtt = (folder / "view-to-a-border.chapters.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == 6
    txt = (folder / "chapters.txt").read_text(encoding="utf-8").splitlines()
    assert txt[0] == "00:00 Introduction" and len(txt) == 6


def test_realign_a_transcript_json_with_a_new_agenda(processed, tmp_path):
    _, _, folder = processed
    result = CliRunner().invoke(cli, ["agenda", str(folder / "transcript.json"), "--agenda", str(DATA / "timed.agenda.txt"),
                                      "--glossary", str(ROOT / "glossary" / "counter-terrorism.yaml")])
    assert result.exit_code == 0, result.output
    chapters = load_transcript(folder / "transcript.json").chapters
    assert [(c.start, c.fixed) for c in chapters][:3] == [(0.0, True), (28.0, True), (66.0, True)]
    assert "(given)" in result.stdout


def test_warnings_go_to_stderr(processed):
    _, _, folder = processed
    agenda = folder / "extra.agenda.txt"
    agenda.write_text("Introduction\nWestern Europe\nA 4 s chapter\n00:01:03.3 West Africa\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["agenda", str(folder / "transcript.json"), "--agenda", str(agenda)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "warning:" not in result.stdout


@pytest.mark.parametrize("setup, message", [
    ("no-transcript", "no transcript of .*talk.mp3 at .*transcript.json; run `captioner transcribe"),
    ("no-agenda", "no agenda found beside"),
    ("bad-agenda", r"broken.agenda.yaml line 4: not valid YAML"),
    ("bad-json", "not a captioner transcript.json"),
    ("missing", "no such file"),
])
def test_errors_are_one_line(tmp_path, processed, setup, message):
    _, media, folder = processed
    if setup == "no-transcript":
        talk = tmp_path / "talk.mp3"
        talk.write_bytes(b"\0")
        args = [str(talk), "--out", str(tmp_path / "out")]
    elif setup == "no-agenda":
        (media.parent / "view-to-a-border.agenda.txt").unlink()
        args = [str(media), "--out", str(tmp_path / "out")]
    elif setup == "bad-agenda":
        args = [str(folder / "transcript.json"), "--agenda", str(DATA / "broken.agenda.yaml")]
    elif setup == "bad-json":
        bad = tmp_path / "transcript.json"
        bad.write_text(json.dumps(["not", "a", "transcript"]), encoding="utf-8")
        args = [str(bad), "--agenda", str(DATA / "timed.agenda.txt")]
    else:
        args = [str(tmp_path / "nothing.mp3")]
    before = (folder / "transcript.json").read_bytes()
    result = CliRunner().invoke(cli, ["agenda", *args])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert (folder / "transcript.json").read_bytes() == before  # nothing half-written
