"""Chapter files: the WebVTT chapters track (checked by the W3C webvtt-parser in chapters mode)
and YouTube's chapters.txt."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from captioner.agenda.align import align_agenda
from captioner.agenda.items import load_agenda
from captioner.formats.chapters import display_chapters, write_chapters_txt, write_chapters_vtt
from captioner.model import Chapter
from tests.support.align import load_truth, transcript_from_truth

ROOT = Path(__file__).resolve().parents[2]

# Parse each file with the W3C parser in "chapters" mode; print {file: {errors, cues}}.
NODE_CHECK = """
const fs = require("fs"), path = require("path");
const dir = process.env.WEBVTT_NODE_MODULES;
const { WebVTTParser } = require(dir ? path.join(path.resolve(dir), "webvtt-parser") : "webvtt-parser");
const out = {};
for (const file of process.argv.slice(1)) {
  const tree = new WebVTTParser().parse(fs.readFileSync(file, "utf8"), "chapters");
  out[file] = {errors: tree.errors, cues: tree.cues.map(c => ({id: c.id, start: c.startTime, end: c.endTime, text: c.text}))};
}
process.stdout.write(JSON.stringify(out));
"""


def w3c_chapters_check(path: Path) -> dict:
    node = shutil.which("node")
    modules = os.environ.get("WEBVTT_NODE_MODULES") or str(ROOT / "node_modules")
    if node is None or not (Path(modules) / "webvtt-parser").is_dir():
        pytest.skip("node and the npm package webvtt-parser are needed (npm install webvtt-parser)")
    result = subprocess.run([node, "-e", NODE_CHECK, str(path)], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "WEBVTT_NODE_MODULES": modules}, check=True)
    return json.loads(result.stdout)[str(path)]


NESTED = [
    Chapter("Opening", 0.0, 30.0),
    Chapter("West Africa", 30.0, 95.0),
    Chapter("The Accra Initiative", 30.0, 60.0, level=2),
    Chapter("Operation Koudanlgou", 60.0, 95.0, level=2),
    Chapter("Western Balkans", 95.0, 150.0),
    Chapter("Project HOTSPOT", 110.0, 150.0, level=2),
    Chapter("Q & A <live>", 150.0, 212.5),
]


def test_nested_chapters_flatten_to_consecutive_ones():
    flat = display_chapters(NESTED)
    assert [(c.title, c.start, c.end) for c in flat] == [
        ("Opening", 0.0, 30.0),
        ("West Africa: The Accra Initiative", 30.0, 60.0),  # the parent has no time of its own
        ("Operation Koudanlgou", 60.0, 95.0),
        ("Western Balkans", 95.0, 110.0),  # the parent's introduction before its sub-item
        ("Project HOTSPOT", 110.0, 150.0),
        ("Q & A <live>", 150.0, 212.5),
    ]


@pytest.mark.node
def test_chapters_vtt_is_valid_for_the_w3c_parser(tmp_path):
    path = tmp_path / "talk.chapters.vtt"
    path.write_text(write_chapters_vtt(NESTED), encoding="utf-8")
    checked = w3c_chapters_check(path)
    assert checked["errors"] == []
    cues = checked["cues"]
    assert cues[-1]["text"] == "Q &amp; A &lt;live&gt;"  # escaped: a title is never read as a tag
    assert cues[0]["start"] == 0 and cues[-1]["end"] == 212.5
    for before, after in zip(cues, cues[1:]):
        assert before["start"] < after["start"] and before["end"] <= after["start"]
    assert len({c["id"] for c in cues}) == len(cues)


@pytest.mark.node
def test_sample_chapters_vtt(tmp_path):
    truth = load_truth(ROOT / "recordings" / "view-to-a-border.truth.json")
    chapters, _ = align_agenda(transcript_from_truth(truth), load_agenda(ROOT / "recordings" / "view-to-a-border.agenda.yaml"))
    path = tmp_path / "view-to-a-border.chapters.vtt"
    path.write_text(write_chapters_vtt(chapters), encoding="utf-8")
    checked = w3c_chapters_check(path)
    assert checked["errors"] == []
    assert [c["text"] for c in checked["cues"]] == [c.title for c in chapters]
    assert [round(c["start"], 3) for c in checked["cues"]] == [c.start for c in chapters]

    import webvtt  # a second, independent reader

    cues = list(webvtt.read(str(path)))
    assert [c.text for c in cues] == [c.title for c in chapters]


def test_chapters_txt_for_youtube():
    text, warnings = write_chapters_txt(NESTED, 212.5)
    assert text.splitlines() == [
        "00:00 Opening", "00:30 West Africa: The Accra Initiative", "01:00 Operation Koudanlgou",
        "01:35 Western Balkans", "01:50 Project HOTSPOT", "02:30 Q & A <live>"]
    assert warnings == []


def test_chapters_txt_merges_chapters_shorter_than_ten_seconds():
    chapters = [Chapter("Welcome", 0.0, 6.0), Chapter("Keynote", 6.0, 300.0), Chapter("Thanks", 300.0, 304.0),
                Chapter("Panel", 304.0, 900.0), Chapter("Goodbye", 900.0, 905.0)]
    text, warnings = write_chapters_txt(chapters, 905.0)
    lines = text.splitlines()
    assert lines == ["00:00 Keynote", "05:04 Panel"]
    assert len(warnings) == 4  # Welcome, Thanks, Goodbye, and fewer than three chapters
    assert any("'Welcome' is shorter than 10 s" in w and "'Keynote' from 00:00" in w for w in warnings)
    assert any("'Thanks' is shorter than 10 s" in w for w in warnings)
    assert any("'Goodbye' is shorter than 10 s" in w for w in warnings)
    assert any("YouTube shows chapters only from 3" in w for w in warnings)
    times = [_seconds(line.split()[0]) for line in lines] + [905]
    assert times[0] == 0 and all(b - a >= 10 for a, b in zip(times, times[1:]))


def test_chapters_txt_uses_hours_for_long_recordings():
    chapters = [Chapter("Opening", 0.0, 1800.4), Chapter("Panel", 1800.4, 3725.9), Chapter("Q&A", 3725.9, 5400.0)]
    text, _ = write_chapters_txt(chapters, 5400.0)
    assert text.splitlines() == ["0:00:00 Opening", "0:30:00 Panel", "1:02:05 Q&A"]  # starts rounded down


def test_chapter_titles_stay_on_one_line():
    text, _ = write_chapters_txt([Chapter("Opening\nremarks", 0.0, 20.0), Chapter("Panel", 20.0, 40.0)], 40.0)
    assert text.splitlines()[0] == "00:00 Opening remarks"
    assert re.search(r"\nOpening remarks\n", write_chapters_vtt([Chapter("Opening\n\nremarks", 0.0, 20.0)]))


def _seconds(stamp: str) -> int:
    parts = [int(p) for p in stamp.split(":")]
    return sum(value * 60 ** power for power, value in enumerate(reversed(parts)))
