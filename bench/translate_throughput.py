"""Translation throughput (cues per second, per engine) beside speech-recognition time.

    python bench/translate_throughput.py [--lang es] [--out transcripts] [--repeat 3]

Source: the sample recording's English captions, transcripts/view-to-a-border/
view-to-a-border.en.vtt when `captioner run` has made them (and its report.json
for the time speech recognition took); otherwise the captions laid out from
recordings/view-to-a-border.truth.json. For each engine with an en->LANG pair:
the whole translate stage (sentences, glossary protection, layout) and the
engine alone on the same sentences, best of --repeat runs.

argostranslate: an installed en->LANG package; without one, the tiny random
test model of tests/support/argos_tiny.py (1 layer, 16 dimensions: its speed says
nothing about a real model's, only about the code around it).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from captioner.formats import read_captions  # noqa: E402
from captioner.glossary.formats import (
    default_glossary_files,  # noqa: E402
    load_glossaries,  # noqa: E402
)
from captioner.model import CueTrack  # noqa: E402
from captioner.translate.apertium import ApertiumEngine  # noqa: E402
from captioner.translate.argos import ArgosEngine  # noqa: E402
from captioner.translate.sentences import sentences_from_cues  # noqa: E402
from captioner.translate.stage import translate_track  # noqa: E402

STEM = "view-to-a-border"


def source_track(out_dir: Path) -> tuple[CueTrack, list[float], str, dict | None]:
    folder = out_dir / STEM
    vtt = folder / f"{STEM}.en.vtt"
    report_path = folder / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
    if vtt.exists():
        boundaries = []
        transcript = folder / "transcript.json"
        if transcript.exists():
            chapters = json.loads(transcript.read_text(encoding="utf-8")).get("chapters") or []
            boundaries = [c["start"] for c in chapters[1:]]
        return CueTrack("en", read_captions(vtt)), boundaries, str(vtt), report
    from tests.support.translate import sample_source_track

    track, boundaries = sample_source_track()
    return track, boundaries, "recordings/view-to-a-border.truth.json (no pipeline output yet)", report


def tiny_argos(lang: str) -> str | None:
    """Install the tiny test model into a temporary argos folder; returns a label."""
    from argostranslate import package, settings

    from tests.support.argos_tiny import build_argosmodel

    folder = Path(tempfile.mkdtemp(prefix="argos-bench-"))
    settings.package_data_dir = folder / "packages"
    settings.package_data_dir.mkdir()
    settings.package_dirs = [settings.package_data_dir]
    package.install_from_path(build_argosmodel(folder / "tiny.argosmodel", "en", lang))
    return "argos (tiny test model)"


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="es")
    parser.add_argument("--out", type=Path, default=ROOT / "transcripts")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    source, boundaries, origin, report = source_track(args.out)
    files = default_glossary_files(ROOT / "glossary")
    glossary = load_glossaries(files) if files else None
    sentences = [s.text for s in sentences_from_cues(source.cues, "en", boundaries)]
    duration = max((c.end for c in source.cues), default=0.0)
    print(f"source: {origin}: {len(source.cues)} cues, {len(sentences)} sentences, {duration:.0f} s of speech")
    print(f"glossary: {', '.join(str(f.relative_to(ROOT)) for f in files) or 'none'}")

    engines = []
    apertium = ApertiumEngine()
    if apertium.supports("en", args.lang):
        engines.append(("apertium", apertium))
    argos = ArgosEngine()
    label = "argos"
    if not argos.supports("en", args.lang):
        label = tiny_argos(args.lang)
        argos = ArgosEngine()
    engines.append((label, argos))

    print(f"\n{'engine':26s} {'stage s':>8s} {'cues/s':>8s} {'engine s':>9s} {'sent/s':>8s}  x real time")
    for label, engine in engines:
        engine.translate_batch(sentences[:2], "en", args.lang)  # load the model once, as a run does
        stage = best_of(args.repeat, lambda: translate_track(source, args.lang, engine, glossary, boundaries))
        alone = best_of(args.repeat, lambda: engine.translate_batch(sentences, "en", args.lang))
        print(f"{label:26s} {stage:8.2f} {len(source.cues) / stage:8.1f} {alone:9.2f} "
              f"{len(sentences) / alone:8.1f}  {stage / duration if duration else 0:.4f}")
    if report:
        asr = (report.get("stages") or {}).get("asr") or {}
        seconds = asr.get("seconds")
        note = " (reused from cache: rerun with a fresh --out to time it)" if asr.get("reused") else ""
        print(f"\nspeech recognition on the same recording (report.json): {seconds} s{note}")
    else:
        print(f"\nno {args.out / STEM / 'report.json'}: run `captioner run recordings/{STEM}.mp3` "
              "to put the speech-recognition time beside these")


if __name__ == "__main__":
    main()
