"""The same inputs give the same bytes: two runs in fresh processes and a `--jobs 2` batch."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE, real

CAPTIONER = str(Path(sys.executable).with_name("captioner"))
TIMINGS = {"report.json": ("stages", "seconds_total"), "transcript.json": ("timings",)}


def published(folder: Path) -> dict[str, bytes]:
    """Every file a run publishes, by name; run times taken out of the two that hold them."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or ".cache" in path.parts or path.name == ".lock":
            continue
        data = path.read_bytes()
        if path.name in TIMINGS:
            document = json.loads(data)
            for key in TIMINGS[path.name]:
                document.pop(key, None)
            data = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
        files[str(path.relative_to(folder))] = data
    return files


def test_two_runs_and_a_batch_of_the_sample_write_the_same_bytes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for source in (SAMPLE, SAMPLE.with_name(SAMPLE.stem + ".agenda.yaml"), real("jfk.flac")):
        shutil.copy(source, inputs / source.name)
    media = str(inputs / SAMPLE.name)
    for out in ("first", "second"):
        subprocess.run([CAPTIONER, "run", media, "--out", str(tmp_path / out), "--quiet"],
                       cwd=ROOT, check=True, capture_output=True)
    subprocess.run([CAPTIONER, "batch", str(inputs), "--out", str(tmp_path / "batch"), "--jobs", "2", "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    first = published(tmp_path / "first" / SAMPLE.stem)
    assert {f"{SAMPLE.stem}.en.srt", f"{SAMPLE.stem}.en.vtt", "transcript.json", "report.json"} <= set(first)
    for other in ("second", "batch"):
        again = published(tmp_path / other / SAMPLE.stem)
        assert sorted(again) == sorted(first), other
        differing = [name for name in first if again[name] != first[name]]
        assert differing == [], f"{other}: {differing}"
