"""A run killed at any point (kill -9) and run again ends with the same outputs, nothing half-written."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.paths import ROOT, SAMPLE

pytestmark = pytest.mark.speech_model

PUBLISHED = (".srt", ".vtt", ".txt")


def captioner_cmd(out: Path) -> list[str]:
    return [sys.executable, "-m", "captioner.cli.main", "run", str(SAMPLE), "--out", str(out), "--quiet", "--no-replay"]


def run_and_kill(out: Path, when) -> None:
    proc = subprocess.Popen(captioner_cmd(out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not when(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in PUBLISHED}


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.tmp")]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> Path:
    """The same command, never interrupted."""
    out = tmp_path_factory.mktemp("clean")
    done = subprocess.run(captioner_cmd(out), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out / SAMPLE.stem


@pytest.mark.parametrize("moment", ["during speech recognition", "after speech recognition"])
def test_killed_run_reruns_to_the_same_outputs(clean_run, tmp_path, moment):
    stem = SAMPLE.stem
    if moment == "during speech recognition":
        started = time.monotonic()
        when = lambda out: time.monotonic() - started > 4  # noqa: E731  model loaded, decoding under way
    else:
        when = lambda out: (out / stem / ".cache" / "asr.json").exists()  # noqa: E731
    run_and_kill(tmp_path, when)
    folder = tmp_path / stem
    if moment == "after speech recognition":
        assert (folder / ".cache" / "asr.json").exists()
    rerun = subprocess.run(captioner_cmd(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    if moment == "after speech recognition":
        assert "reused" in rerun.stderr or "reused" in (folder / "report.json").read_text()
    expected = outputs(clean_run)
    assert set(expected) >= {f"{stem}.en.srt", f"{stem}.en.vtt", f"{stem}.en.txt"}
    assert outputs(folder) == expected
    assert leftovers(folder) == []
