import json

import pytest
from click.testing import CliRunner

from captioner.captions.qc import check_cues, format_report
from captioner.captions.rules import get_profile
from captioner.cli.captions import qc_command
from captioner.formats import read_captions
from captioner.formats.srt import read_srt
from captioner.model import Cue

EN = get_profile()

# One broken rule per cue from cue 2 on; cue numbers as in the file (1-based).
BAD_SRT = """1
00:00:01,000 --> 00:00:03,000
This cue is fine.

2
00:00:04,000 --> 00:00:07,000
This line is much longer than forty-two characters.

3
00:00:08,000 --> 00:00:11,000
One
two
three lines

4
00:00:12,000 --> 00:00:13,000
Too many words to read in one second.

5
00:00:14,000 --> 00:00:14,400
Short.

6
00:00:15,000 --> 00:00:23,500
Eight and a half seconds on screen.

7
00:00:23,000 --> 00:00:25,000
Starts before cue six ends.

8
00:00:25,040 --> 00:00:27,500
Only forty milliseconds after cue seven.

9
00:00:28,000 --> 00:00:29,000
<i></i>

10
00:00:29,000 --> 00:00:31,000
Chained to cue nine: no gap is fine.

11
00:00:31,083 --> 00:00:34,000
A two-frame gap written to the ms is fine.
"""


def found(report):
    return sorted((i.cue_index + 1, i.rule) for i in report.issues)


def test_each_broken_rule_is_named_with_its_cue():
    report = check_cues(read_srt(BAD_SRT), EN, source="bad.srt")
    assert found(report) == [
        (2, "max_chars_per_line"),
        (3, "max_lines"),
        (4, "max_cps"),
        (5, "min_duration"),
        (6, "max_duration"),
        (7, "overlap"),
        (8, "min_gap"),
        (9, "empty_text"),
    ]
    assert not report.ok
    assert report.cue_count == 11 and report.compliant_count == 3
    s = report.summary()
    assert s["max_cps"] == pytest.approx(37.0)
    assert s["max_line_length"] == 51
    assert s["rule_counts"]["overlap"] == 1 and s["rule_counts"]["max_cps"] == 1


def test_details_say_what_and_how_much():
    report = check_cues(read_srt(BAD_SRT), EN)
    detail = {i.rule: i.detail for i in report.issues}
    assert "51 characters > 42" in detail["max_chars_per_line"]
    assert "37.0 characters/s > 20" in detail["max_cps"]
    assert "0.400 s < 0.833 s" in detail["min_duration"]
    assert "0.500 s before" in detail["overlap"]
    assert "0.040 s" in detail["min_gap"]


def test_profile_overrides_change_the_verdict():
    cues = read_srt(BAD_SRT)
    loose = get_profile(max_chars=60, max_lines=3, max_cps=50, min_duration=0.3, max_duration=9, min_gap=0.04)
    assert found(check_cues(cues, loose)) == [(7, "overlap"), (9, "empty_text")]


def test_cps_without_spaces_and_punctuation():
    cue = [Cue(0, 1, ["Hello, world, again"])]  # 19 characters, 15 letters
    assert check_cues(cue, get_profile(max_cps=16)).issues[0].rule == "max_cps"
    assert check_cues(cue, get_profile(max_cps=16).with_overrides(count_spaces_and_punctuation=False)).ok


def test_report_dict_and_table():
    report = check_cues(read_srt(BAD_SRT), EN, source="bad.srt")
    data = report.to_dict()
    json.dumps(data)
    assert data["source"] == "bad.srt" and data["ok"] is False
    assert data["profile"]["max_chars_per_line"] == 42
    assert data["compliant_fraction"] == pytest.approx(3 / 11, abs=1e-4)
    assert {"cue": 7, "start": 23.0, "end": 25.0, "rule": "overlap"}.items() <= data["issues"][5].items()
    table = format_report(report)
    assert "bad.srt: profile netflix-en" in table
    assert "00:00:23.000" in table and "overlap" in table
    assert "11 cues, 3 within the rules (27.3%)" in table
    good = check_cues([Cue(0, 2, ["Fine."])], EN)
    assert good.ok and "broken: none" in format_report(good)
    assert check_cues([], EN).to_dict()["compliant_fraction"] == 1.0


def test_rtl_marks_are_not_counted():
    cue = Cue(0, 3, ["\u200f" + "ب" * 42])
    assert check_cues([cue], EN).ok


# --- the qc command ----------------------------------------------------------------------------

@pytest.fixture()
def files(tmp_path):
    bad = tmp_path / "bad.srt"
    bad.write_text(BAD_SRT.replace("\n", "\r\n"), encoding="utf-8-sig")
    good = tmp_path / "good.en.vtt"
    good.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000 align:start\n<v Ana>Good morning.</v>\n", encoding="utf-8")
    zh = tmp_path / "talk.zh.srt"
    zh.write_text("1\n00:00:01,000 --> 00:00:05,000\n我们今天讨论跨境合作和信息共享以及项目\n", encoding="utf-8")
    return tmp_path, bad, good, zh


def test_qc_command_exit_codes_and_table(files):
    _, bad, good, _ = files
    runner = CliRunner()
    ok = runner.invoke(qc_command, [str(good)])
    assert ok.exit_code == 0, ok.output
    assert "1 cues, 1 within the rules (100.0%)" in ok.output
    broken = runner.invoke(qc_command, [str(good), str(bad)])
    assert broken.exit_code == 1
    assert "max_chars_per_line" in broken.output and "good.en.vtt" in broken.output
    relaxed = runner.invoke(qc_command, [str(bad), "--max-chars", "60", "--max-lines", "3", "--max-cps", "50",
                                         "--min-duration", "0.3", "--max-duration", "9", "--min-gap", "0.04"])
    assert relaxed.exit_code == 1
    assert "overlap 1, empty_text 1" in relaxed.output or "empty_text 1, overlap 1" in relaxed.output


def test_qc_command_json(files):
    _, bad, good, _ = files
    result = CliRunner().invoke(qc_command, [str(bad), str(good), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False
    assert [f["ok"] for f in data["files"]] == [False, True]
    assert data["files"][0]["cue_count"] == 11
    assert [(i["cue"], i["rule"]) for i in data["files"][0]["issues"]][:2] == [(2, "max_chars_per_line"), (3, "max_lines")]


def test_qc_picks_the_profile_from_the_language(files):
    _, _, _, zh = files
    result = CliRunner().invoke(qc_command, [str(zh), "--json"])
    data = json.loads(result.output)["files"][0]
    assert data["profile"]["name"] == "cjk"
    assert [(i["rule"]) for i in data["issues"]] == ["max_chars_per_line"]  # 19 characters > 16
    result = CliRunner().invoke(qc_command, [str(zh), "--profile", "netflix-en"])
    assert result.exit_code == 0


def test_qc_unreadable_files_give_one_clean_line(files):
    tmp, _, good, _ = files
    noise = tmp / "noise.vtt"
    noise.write_bytes(b"\x00\x01binary\xff" * 100)
    runner = CliRunner()
    for path in (tmp / "missing.srt", noise, tmp):
        result = runner.invoke(qc_command, [str(path)])
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0], result.output
    mixed = runner.invoke(qc_command, [str(tmp / "missing.srt"), str(good), "--json"])
    assert mixed.exit_code == 1
    assert '"error"' in mixed.output
    usage = runner.invoke(qc_command, [str(good), "--profile", "nope"])
    assert usage.exit_code == 2 and "netflix-en" in usage.output


def test_qc_of_a_file_read_back(files):
    _, bad, _, _ = files
    assert len(read_captions(bad)) == 11  # BOM and CRLF


def test_qc_does_not_pass_a_malformed_file(tmp_path):
    # a comma in a WebVTT timestamp and a "->" arrow: "100% within the rules" before, though a
    # player drops both cues; an SRT cue with a bad timing line was dropped without a word
    vtt = tmp_path / "talk.en.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nfine\n\n00:00:03,000 --> 00:00:04.000\nlost\n\n"
                   "x\n00:00:05.000 -> 00:00:06.000\nlost too\n", encoding="utf-8")
    srt_file = tmp_path / "talk.en.srt"
    srt_file.write_text("1\n00:00:01,000 --> 00:00:02,500\nfine\n\n2\n00:00:03,000 -> 00:00:04,000\nlost\n",
                        encoding="utf-8")
    for path, line in ((vtt, 6), (srt_file, 6)):
        result = CliRunner().invoke(qc_command, [str(path)])
        assert result.exit_code == 1, result.output
        assert f"line {line}: not " in result.output and "100%" not in result.output, result.output


def test_qc_checks_a_chapter_track_as_chapters(tmp_path):
    # `qc transcripts/x/*.vtt` counted chapters.vtt as broken captions (a chapter lasts minutes)
    from captioner.formats.chapters import write_chapters_vtt
    from captioner.model import Chapter

    good = tmp_path / "talk.chapters.vtt"
    good.write_text(write_chapters_vtt([Chapter("Opening", 0.0, 95.5), Chapter("Panel", 95.5, 1800.0)]),
                    encoding="utf-8")
    result = CliRunner().invoke(qc_command, [str(good)])
    assert result.exit_code == 0, result.output
    assert "2 chapters, 2 without a problem" in result.output and "chars/s" not in result.output
    bad = tmp_path / "other.vtt"
    bad.write_text("WEBVTT\nKind: chapters\n\n00:00:00.000 --> 00:01:40.000\nOpening\n\n"
                   "00:01:30.000 --> 00:05:00.000\nPanel\n\n00:05:00.000 --> 00:06:00.000\n \n", encoding="utf-8")
    result = CliRunner().invoke(qc_command, [str(bad), "--json"])
    assert result.exit_code == 1
    issues = json.loads(result.output)["files"][0]["issues"]
    assert [(i["cue"], i["rule"]) for i in issues] == [(2, "chapter_overlap"), (3, "chapter_title")]
