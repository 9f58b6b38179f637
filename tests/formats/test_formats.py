import html
import json
import os
import shutil
import subprocess
from pathlib import Path

import pysrt
import pytest
import srt
import webvtt

from captioner.captions.rules import get_profile
from captioner.captions.segment import segment
from captioner.errors import InputFileError
from captioner.formats import decode_caption_bytes, read_captions
from captioner.formats.chapters import write_chapters_vtt
from captioner.formats.labels import shown_lines
from captioner.formats.srt import read_srt, write_srt
from captioner.formats.text import write_text
from captioner.formats.vtt import read_vtt, write_vtt
from captioner.model import Chapter, Cue, Segment, Transcript
from tests.support.captions import WEBINAR_TEXT, timed_words

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Path(__file__).resolve().parents[1] / "vtt_validate.js"

TRICKY = [
    Cue(0.0, 1.5, ["Fish & chips <b>not bold</b>", "a --> b"], speaker="Ana <the chair> & co"),
    Cue(1.5, 3.25, ["second"]),
    Cue(3.334, 7.0, ["Ελληνικά, 中文, émigré"]),
    Cue(7200.0, 7201.001, ["two hours in"]),
]


@pytest.fixture(scope="module")
def webinar_cues():
    words = timed_words(WEBINAR_TEXT, start=0.2)
    speakers = ["Maria Fernandez"] * 40 + ["Host"] * (len(words) - 40)
    for w, who in zip(words, speakers):
        w.speaker = who
    cues, issues = segment(words, get_profile("netflix-en", "en"))
    assert issues == []
    return cues


def ms(t: float) -> int:
    return round(t * 1000)


def webvtt_py_ms(whole_seconds: int, stamp) -> int:
    # webvtt-py gives whole seconds and the millisecond part separately
    return whole_seconds * 1000 + stamp.milliseconds


# --- WebVTT --------------------------------------------------------------------------------------

def test_vtt_layout_follows_the_spec():
    text = write_vtt(TRICKY)
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n")
    assert "&amp;" in text and "&lt;b&gt;" in text and "-->" not in text.split("\n", 3)[3].replace(" --> ", "")
    assert "<v Ana &lt;the chair&gt; &amp; co>" in text
    assert "02:00:00.000 --> 02:00:01.001" in text
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT" and len(blocks) == 1 + len(TRICKY)


def test_our_vtt_parsed_by_webvtt_py_gives_the_same_cues(webinar_cues, tmp_path):
    for cues in (webinar_cues, TRICKY):
        parsed = webvtt.from_string(write_vtt(cues))
        assert len(parsed) == len(cues)
        for ours, theirs in zip(cues, parsed):
            assert webvtt_py_ms(theirs.start_in_seconds, theirs.start_time) == ms(ours.start)
            assert webvtt_py_ms(theirs.end_in_seconds, theirs.end_time) == ms(ours.end)
            assert html.unescape(theirs.text).split("\n") == shown_lines(ours)  # labels are visible text
            assert (html.unescape(theirs.voice) if theirs.voice else None) == ours.speaker


def test_our_vtt_read_back_by_our_reader(webinar_cues):
    for cues in (webinar_cues, TRICKY):
        assert read_vtt(write_vtt(cues)) == cues


def test_rtl_lines_start_with_rlm_and_read_back_without():
    cues = [Cue(1.0, 3.0, ["مرحبا بكم،", "في هذا اللقاء."], speaker="Amal")]
    text = write_vtt(cues, language="ar")
    assert "<v Amal>\u200fمرحبا بكم،\n\u200fفي هذا اللقاء.</v>" in text
    assert read_vtt(text) == cues
    srt_text = write_srt(cues, language="ar")
    assert "\u200fمرحبا بكم،\n\u200fفي هذا اللقاء." in srt_text
    assert [c.lines for c in read_srt(srt_text)] == [cues[0].lines]
    assert "\u200f" not in write_vtt(cues, language="en")


def test_read_vtt_from_elsewhere():
    text = (
        "\ufeffWEBVTT - made by another tool\r\nKind: captions\r\nLanguage: en\r\n\r\n"
        "STYLE\r\n::cue { color: yellow }\r\n\r\n"
        "NOTE this is a comment\r\nspanning lines\r\n\r\n"
        "intro\r\n00:01.000 --> 00:04.500 line:0 position:20% align:start\r\n"
        "<v.loud Roger Bingham>We are in <i>New York</i> &amp; <c.x>live</c>\r\n"
        "<00:00:02.000>right now&nbsp;today</v>\r\n\r\n"
        "01:02:03.004 --> 01:02:05.000\r\nplain &lt;text&gt;\r\n\r\n"
        "00:00:10.000 --> 00:00:11.000\r\n\r\n"
    )
    cues = read_vtt(text)
    assert cues == [
        Cue(1.0, 4.5, ["We are in New York & live", "right now today"], speaker="Roger Bingham"),
        Cue(3723.004, 3725.0, ["plain <text>"]),
        Cue(10.0, 11.0, []),
    ]


def test_read_vtt_rejects_what_is_not_vtt():
    with pytest.raises(InputFileError, match="WEBVTT"):
        read_vtt("1\n00:00:01,000 --> 00:00:02,000\nhello\n")
    with pytest.raises(InputFileError, match="WEBVTT"):
        read_vtt("WEBVTTX\n\n")
    assert read_vtt("WEBVTT\n") == []


@pytest.mark.parametrize("cue, line", [
    ("00:00:aa.000 --> 00:00:01.000\nhello\n", 3),
    ("00:00:01,000 --> 00:00:02.000\nhello\n", 3),  # a comma: SRT's, not WebVTT's
    ("intro\n00:00:01.000 -> 00:00:02.000\nhello\n", 4),  # no arrow: a player drops the cue
    ("00:00:01.000 --> 00:00:02.000\nfine\n\nbad\nnot a timing line\n", 7),
    ("00:01:75.000 --> 00:01:76.000\nhello\n", 3),
])
def test_a_malformed_webvtt_cue_is_an_error_with_its_line(cue, line):
    # `captioner qc` called such files "100% within the rules" while the W3C parser drops the cues
    with pytest.raises(InputFileError, match=f"^line {line}: "):
        read_vtt("WEBVTT\n\n" + cue)


def test_a_malformed_srt_cue_is_an_error_with_its_line():
    good = "1\n00:00:01,000 --> 00:00:02,000\nhello\n\n"
    for bad, line in (("2\n00:00:03,000 -> 00:00:04,000\nlost words\n", 6),
                      ("2\n00:00:03 --> 00:00:04\nlost words\n", 6),
                      ("stray text after a blank line\n", 5)):
        with pytest.raises(InputFileError, match=f"^line {line}: not an SRT cue timing"):
            read_srt(good + bad)
    assert [c.text for c in read_srt(good + "2\n00:00:03.000 --> 00:00:04.000\nfine\n")] == ["hello", "fine"]


def test_chapters_vtt():
    chapters = [Chapter("Spain: from 11-M to Barcelona", 95.5, 300.0), Chapter("Opening & welcome", 0.0, 100.0),
                Chapter("Questions and answers", 300.0, 420.25)]
    text = write_chapters_vtt(chapters)
    cues = read_vtt(text)
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.0, 95.5, "Opening & welcome"),  # cut where the next chapter starts
        (95.5, 300.0, "Spain: from 11-M to Barcelona"),
        (300.0, 420.25, "Questions and answers"),
    ]
    assert "Opening &amp; welcome" in text and "chapter-1\n" in text


def _node_validator():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run the W3C webvtt-parser")
    modules = os.environ.get("WEBVTT_NODE_MODULES", str(ROOT / "node_modules"))
    if not (Path(modules) / "webvtt-parser").is_dir():
        pytest.skip(f"webvtt-parser not found in {modules}: run `npm install` at the repository root")
    return node, modules


@pytest.mark.node
def test_our_vtt_is_valid_for_the_w3c_parser(webinar_cues, tmp_path):
    node, modules = _node_validator()
    files = {
        "captions.vtt": write_vtt(webinar_cues, "en"),
        "tricky.vtt": write_vtt(TRICKY),
        "arabic.vtt": write_vtt([Cue(1.0, 3.0, ["مرحبا بكم،", "في هذا اللقاء."], speaker="Amal")], "ar"),
        "chapters.vtt": write_chapters_vtt([Chapter("Opening & welcome", 0, 60), Chapter("Spain", 60, 90)]),
        "empty.vtt": write_vtt([]),
    }
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\nLanguage: en\n\n00:00:02.000 --> 00:00:01.000\nx\n", encoding="utf-8")
    out = subprocess.run([node, str(VALIDATOR), *paths, str(bad)], capture_output=True, text=True, check=True,
                         env={**os.environ, "WEBVTT_NODE_MODULES": modules})
    result = json.loads(out.stdout)
    assert len(result[str(bad)]["errors"]) == 2  # the validator does find errors
    for path in paths:
        assert result[path]["errors"] == [], (path, result[path]["errors"])
    parsed = result[str(tmp_path / "captions.vtt")]["cues"]
    assert [(ms(c["start"]), ms(c["end"])) for c in parsed] == [(ms(c.start), ms(c.end)) for c in webinar_cues]


# --- SRT -----------------------------------------------------------------------------------------

def test_our_srt_parsed_by_pysrt_and_srt_gives_the_same_cues(webinar_cues):
    for cues in (webinar_cues, TRICKY):
        text = write_srt(cues)
        by_pysrt = pysrt.from_string(text)
        by_srt = list(srt.parse(text))
        assert len(by_pysrt) == len(by_srt) == len(cues)
        for ours, a, b in zip(cues, by_pysrt, by_srt):
            expected = [line.replace("-->", "->") for line in shown_lines(ours)]
            assert (a.start.ordinal, a.end.ordinal) == (ms(ours.start), ms(ours.end))
            assert (b.start.total_seconds() * 1000, b.end.total_seconds() * 1000) == pytest.approx(
                (ms(ours.start), ms(ours.end)), abs=1e-6)
            assert a.text.split("\n") == expected
            assert b.content.split("\n") == expected
        assert [c.index for c in by_srt] == list(range(1, len(cues) + 1))


def test_read_srt_from_elsewhere():
    text = (
        "\ufeff1\r\n00:00:01,000 --> 00:00:02,500 X1:100 X2:200 Y1:10 Y2:20\r\n<i>Hello</i> <font color=\"red\">there</font>\r\n"
        "{\\an8}second line\r\n\r\n7\r\n00:00:03,000 --> 00:00:04,000\r\nnext\r\n"
    )
    assert read_srt(text) == [Cue(1.0, 2.5, ["Hello there", "second line"]), Cue(3.0, 4.0, ["next"])]
    assert read_srt("") == []
    with pytest.raises(InputFileError, match="no subtitles"):
        read_srt("just some words\nwithout any timing\n")


def test_read_captions_by_content_and_name(tmp_path):
    vtt = tmp_path / "talk.en.txt"
    vtt.write_bytes(write_vtt(TRICKY).encode("utf-8"))
    assert read_captions(vtt) == TRICKY  # sniffed from the WEBVTT header
    srt_file = tmp_path / "talk.srt"
    srt_file.write_bytes(write_srt(TRICKY[1:]).encode("utf-16"))
    assert [c.lines for c in read_captions(srt_file)] == [c.lines for c in TRICKY[1:]]
    with pytest.raises(InputFileError, match="no such file"):
        read_captions(tmp_path / "missing.srt")
    garbage = tmp_path / "noise.srt"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputFileError, match="noise.srt"):
        read_captions(garbage)


def test_decode_caption_bytes():
    assert decode_caption_bytes("\ufeffé".encode("utf-8")) == "é"
    assert decode_caption_bytes("é".encode("cp1252")) == "é"


# --- plain text ----------------------------------------------------------------------------------

def _transcript(words, chapters=()):
    return Transcript(language="en", duration=words[-1].end + 1,
                      segments=[Segment(start=words[0].start, end=words[-1].end, text="", words=words)],
                      chapters=list(chapters))


def test_text_paragraphs_at_pauses_speakers_and_chapters():
    part1 = timed_words("Good morning and welcome. Let us begin.", speaker="Host")
    part2 = timed_words("After a long pause we go on.", start=part1[-1].end + 3.0, speaker="Host")
    part3 = timed_words("Thank you, I am glad to be here.", start=part2[-1].end + 0.2, speaker="Maria")
    part4 = timed_words("Spain has a long history of cooperation.", start=part3[-1].end + 0.5, speaker="Maria")
    chapters = [Chapter("Opening", 0.0, part4[0].start), Chapter("Spain", part4[0].start, part4[-1].end),
                Chapter("Questions and answers", 500.0, 600.0)]
    text = write_text(_transcript(part1 + part2 + part3 + part4, chapters))
    assert text == (
        "Opening [00:00:00]\n\n"
        "Host: Good morning and welcome. Let us begin.\n\n"
        "After a long pause we go on.\n\n"
        "Maria: Thank you, I am glad to be here.\n\n"
        f"Spain [00:00:{int(part4[0].start):02d}]\n\n"
        "Maria: Spain has a long history of cooperation.\n\n"
        "Questions and answers [00:08:20]\n"
    )


def test_text_from_cues_and_long_paragraphs_wrap():
    words = timed_words(WEBINAR_TEXT * 2)
    text = write_text(_transcript(words))
    paragraphs = text.strip().split("\n\n")
    assert len(paragraphs) >= 2  # split at a sentence end once a paragraph is long
    assert all(len(line) <= 78 for line in text.splitlines())
    assert " ".join(text.split()) == " ".join((WEBINAR_TEXT * 2).split())
    cues = [Cue(0, 2, ["Hola a todos,", "bienvenidos."]), Cue(2, 4, ["Empezamos."])]
    assert write_text(_transcript(words[:1]), cues=cues, language="es") == "Hola a todos, bienvenidos. Empezamos.\n"
    assert write_text(Transcript(language="en", duration=0)) == ""
