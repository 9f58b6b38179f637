"""What a run shows while it works: lines for logs, JSON for programs, a terminal's stage line."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from captioner.cli.main import main
from captioner.cli.progress import ProgressReporter
from tests.support.paths import real


@pytest.mark.speech_model
def test_a_run_reports_every_stage_as_json_lines_then_as_plain_lines(tmp_path):
    media = real("jfk.flac")
    first = CliRunner().invoke(main, ["run", str(media), "--out", str(tmp_path), "--progress", "json"])
    assert first.exit_code == 0, first.output
    events = [json.loads(line) for line in first.stderr.splitlines()]  # every line is one JSON object
    stages = [e for e in events if e["event"] == "stage"]
    started = [e["stage"] for e in stages if e["status"] == "started"]
    done = {e["stage"]: e for e in stages if e["status"] == "done"}
    assert started[0] == "asr" and started[-1] == "publish"
    assert set(started) == set(done) >= {"asr", "captions", "publish"}
    assert all(e["recording"] == "jfk" for e in stages)
    assert not done["asr"]["reused"] and done["asr"]["seconds"] > 0
    progress = [e for e in events if e["event"] == "progress"]
    assert progress and all(0 <= e["done"] <= e["total"] for e in progress)

    again = CliRunner().invoke(main, ["run", str(media), "--out", str(tmp_path), "--progress", "lines"])
    assert again.exit_code == 0, again.output
    lines = [line for line in again.stderr.splitlines() if line.startswith("jfk: ")]
    assert "jfk: transcribing reused" in lines
    assert any(line.startswith("jfk: writing files done in ") and line.endswith(" s") for line in lines)


def test_a_terminal_keeps_a_line_only_for_stages_of_a_second_or_more(capsys):
    reporter = ProgressReporter("bar")
    reporter.stage_started("captions", "talk")
    reporter.stage_done("captions", "talk", 0.2, False)
    reporter.stage_started("translate-es", "talk")
    reporter.stage_done("translate-es", "talk", 2.5, False)
    shown = capsys.readouterr().err
    assert "talk: making captions ..." in shown  # while it runs
    kept = [part for part in shown.split("\r\x1b[K") if part.endswith("\n")]
    assert kept == ["talk: translating into es done in 2.5 s\n"]


def test_quiet_shows_warnings_only(capsys):
    reporter = ProgressReporter("none")
    reporter.stage_started("asr", "talk")
    reporter.info("transcript: reused")
    reporter.warn("no agenda")
    reporter.stage_done("asr", "talk", 3.0, False)
    assert capsys.readouterr().err == "warning: no agenda\n"
