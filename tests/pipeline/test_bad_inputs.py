"""A corpus of bad inputs: each gives a clear error or a correct result, never a traceback,
and nothing is ever written outside the output folder."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from captioner.cli.main import main
from captioner.formats.vtt import read_vtt
from tests.media.test_media import make_video_without_audio
from tests.pipeline.test_pipeline import write_wav
from tests.support.paths import JFK_TEXT, ROOT, SAMPLE, real
from tests.support.textnorm import wer

GLOSSARY = ROOT / "tests" / "data" / "glossary" / "comfyui.csv"
BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
"""


def jfk_copy(folder: Path, name: str = "talk.flac") -> Path:
    path = folder / name
    shutil.copy(real("jfk.flac"), path)
    return path


def setup_case(case: str, folder: Path) -> tuple[Path, list[str]]:
    """The media file and the extra CLI arguments for one bad input."""
    if case == "zero-byte file":
        (folder / "empty.mp3").write_bytes(b"")
        return folder / "empty.mp3", []
    if case == "text file named .mp3":
        (folder / "notes.mp3").write_text("Agenda notes, not a recording.\n" * 40)
        return folder / "notes.mp3", []
    if case == "truncated audio":
        data = SAMPLE.read_bytes()
        (folder / "cut.mp3").write_bytes(data[: len(data) // 6])
        return folder / "cut.mp3", []
    if case == "video without audio":
        make_video_without_audio(folder / "slides.mkv")
        return folder / "slides.mkv", []
    if case == "0.2 s file":
        t = np.arange(3200) / 16000
        write_wav(folder / "blip.wav", 0.3 * np.sin(2 * np.pi * 300 * t))
        return folder / "blip.wav", []
    if case == "very loud clipped file":
        from captioner.media.audio import decode

        write_wav(folder / "loud.wav", np.clip(decode(real("jfk.flac")) * 40, -1, 1))
        return folder / "loud.wav", []
    media = jfk_copy(folder)
    if case == "non-UTF-8 agenda":
        (folder / "talk.agenda.txt").write_bytes("Introducción\nPreguntas y respuestas\n".encode("utf-16"))
    elif case == "malformed agenda":
        (folder / "talk.agenda.yaml").write_text("title: x\nitems:\n  - title: [unclosed\n")
    elif case == "agenda alias bomb":
        (folder / "talk.agenda.yaml").write_text(BOMB + "items:\n  - title: *e\n")
    elif case == "agenda with python tag":
        (folder / "talk.agenda.yaml").write_text("items:\n  - !!python/object/apply:os.system ['touch pwned']\n")
    elif case == "non-UTF-8 glossary":
        (folder / "g.csv").write_bytes("term,aliases,definition\nCôte d'Ivoire,,país\n".encode("latin-1"))
        return media, ["--glossary", str(folder / "g.csv")]
    elif case == "malformed glossary":
        (folder / "g.yaml").write_text("concepts:\n  - term: [oops\n")
        return media, ["--glossary", str(folder / "g.yaml")]
    elif case == "glossary alias bomb":
        (folder / "g.yaml").write_text(BOMB + "concepts: *e\n")
        return media, ["--glossary", str(folder / "g.yaml")]
    elif case == "glossary with tag":
        (folder / "g.yaml").write_text("concepts:\n  - !!python/name:os.system\n")
        return media, ["--glossary", str(folder / "g.yaml")]
    elif case == "agenda nested 200 deep":  # was "internal error RecursionError"
        lines = ["items:"]
        for depth in range(200):
            lines += ["  " * (2 * depth + 1) + f"- title: Item {depth}", "  " * (2 * depth + 2) + "items:"]
        (folder / "talk.agenda.yaml").write_text("\n".join(lines + ["  " * 401 + "- title: leaf"]) + "\n")
    elif case == "a named pipe":  # was "the file is empty (0 bytes)"
        os.mkfifo(folder / "live.mp3")
        return folder / "live.mp3", []
    elif case == "a link to itself":  # was "no such file"
        os.symlink(folder / "loop.mp3", folder / "loop.mp3")
        return folder / "loop.mp3", []
    elif case == "unknown language code":
        return media, ["--languages", "xx"]
    elif case == "the spoken language as a target":  # was an error: cannot translate en into en
        return media, ["--languages", "EN,es"]
    elif case == "malformed language code":
        return media, ["--languages", "es,e$"]
    elif case == "name with spaces and unicode":
        return jfk_copy(folder, "Réunion 2024 – día 1 ☂.flac"), []
    elif case == "name with ../":
        (folder / "sub").mkdir()
        return folder / "sub" / ".." / media.name, []
    return media, []


# case -> (exit code, text the message or outputs must hold)
CASES = {
    "zero-byte file": (1, "empty"),
    "text file named .mp3": (1, "not an audio or video file"),
    "truncated audio": (0, None),
    "video without audio": (1, "no audio stream"),
    "0.2 s file": (0, None),
    "very loud clipped file": (0, None),
    "non-UTF-8 agenda": (1, "talk.agenda.txt"),
    "malformed agenda": (1, "talk.agenda.yaml"),
    "agenda alias bomb": (1, "talk.agenda.yaml"),
    "agenda with python tag": (1, "talk.agenda.yaml"),
    "non-UTF-8 glossary": (1, "g.csv"),
    "malformed glossary": (1, "g.yaml"),
    "glossary alias bomb": (1, "g.yaml"),
    "glossary with tag": (1, "g.yaml"),
    "agenda nested 200 deep": (1, "nested too deeply"),
    "a named pipe": (1, "not a regular file"),
    "a link to itself": (1, "a link to nothing"),
    "unknown language code": (1, "xx"),
    "the spoken language as a target": (0, None),
    "malformed language code": (2, "e$"),
    "name with spaces and unicode": (0, None),
    "name with ../": (0, None),
}


def test_outputs_are_not_written_through_a_link(tmp_path):
    # with OUT/<stem> a link, every output and the cache landed where it pointed, outside OUT
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    media = jfk_copy(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / media.stem).symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(main, ["run", str(media), "--out", str(out), "--quiet", "--glossary", str(GLOSSARY)])
    assert result.exit_code == 1 and "is a link" in result.stderr, result.output
    assert list(elsewhere.iterdir()) == []
    (out / media.stem).unlink()
    (out / media.stem).mkdir()
    (out / media.stem / ".lock").symlink_to(elsewhere / "lock")
    result = CliRunner().invoke(main, ["run", str(media), "--out", str(out), "--quiet", "--glossary", str(GLOSSARY)])
    assert result.exit_code == 1 and ".lock is a link" in result.stderr, result.output
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in (out / media.stem).iterdir()) == [".lock"]


def snapshot(folder: Path, skip: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if skip not in p.parents and p != skip}


@pytest.mark.speech_model
@pytest.mark.mt
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a stray relative write would land here and be seen
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    out = tmp_path / "out"
    media, extra = setup_case(case, inputs)
    if "--glossary" not in extra:
        extra += ["--glossary", str(GLOSSARY)]
    before = snapshot(tmp_path, out)
    result = CliRunner().invoke(main, ["run", str(media), "--out", str(out), "--quiet", *extra])
    expected_code, text = CASES[case]
    assert result.exit_code == expected_code, (result.output, result.exception)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    if expected_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error") or "Error" in line]
        assert len(errors) == 1, result.stderr
        assert text in errors[0]
    assert snapshot(tmp_path, out) == before, "files were written outside the output folder"
    assert not (tmp_path / "pwned").exists()
    if expected_code == 0:
        stem = Path(media).stem
        folder = out / stem
        assert folder.parent == out
        vtt = (folder / f"{stem}.en.vtt").read_text(encoding="utf-8")
        assert vtt.startswith("WEBVTT")
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert report["qc"]["en"]["compliant_fraction"] == 1.0
        if case in ("name with spaces and unicode", "name with ../"):
            assert "ask not what your country" in vtt.lower().replace("\n", " ").replace(",", "")
        if case == "very loud clipped file":
            # clipping destroys part of the signal: still a transcript, and a warning saying why it suffers
            assert wer(JFK_TEXT, " ".join(c.text for c in read_vtt(vtt))) <= 0.5
            assert "clipped" in result.stderr
        if case == "the spoken language as a target":
            assert report["translations"]["en"]["skipped"].startswith("not translated: the recording is in this")
            assert report["errors"] == [] and (folder / f"{stem}.es.vtt").exists()
        if case == "truncated audio":
            assert report["duration"] > 20 and vtt.count("-->") >= 5
