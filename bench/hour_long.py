"""An hour-long recording: does `captioner run` keep every word, and in how much memory?

The sample is repeated 17 times (59 minutes). Its words should come out 17 times
over: the bench runs `captioner run` on the sample and on the long recording, and
bare faster-whisper (the same model, beam 5, word timestamps, VAD) on both, side by
side as fresh processes, and prints as JSON for each: words recognised, the long
file's words against 17 times the sample's, sound left without words, wall time
and peak memory (max RSS). Ground truth: the sample's script has 449 words.

    .venv/bin/python bench/hour_long.py [--times 17]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from run_vs_bare import BARE, SAMPLE, measure, repeated

COUNT_BARE = BARE.replace("print(sum(len(s.words) for s in segments))",
                          "print(sum(len(s.words) for s in segments), file=open(sys.argv[4], 'w'))")


def run_captioner(media: Path, out: Path) -> dict:
    captioner = str(Path(sys.executable).with_name("captioner"))
    seconds, mib = measure([captioner, "run", str(media), "--out", str(out), "--quiet"])
    transcript = json.loads(next(out.glob("*/transcript.json")).read_text())
    coverage = transcript.get("sound_coverage", {})
    return {"words": sum(len(s["words"]) for s in transcript["segments"]),
            "uncovered_sound_seconds": coverage.get("uncovered_seconds"),
            "uncovered": coverage.get("uncovered", [])[:10],
            "spans_repaired": len(transcript.get("repairs", [])),
            "seconds": round(seconds, 1), "peak_memory_mib": round(mib)}


def run_bare(media: Path, work: Path) -> dict:
    from captioner.asr.recognize import DEFAULT_MODEL, resolve_model

    target, _ = resolve_model(DEFAULT_MODEL)
    counted = work / f"{media.stem}.words"
    seconds, mib = measure([sys.executable, "-c", COUNT_BARE, str(media), "sequential", target, str(counted)])
    return {"words": int(counted.read_text()), "seconds": round(seconds, 1), "peak_memory_mib": round(mib)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=17)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        long_media = repeated(SAMPLE, args.times, work / "hour-long.mp3")
        results = {}
        for name, media in (("sample", SAMPLE), ("long", long_media)):
            results[name] = {"run": run_captioner(media, work / f"out-{name}"), "bare": run_bare(media, work)}
            print(f"{name}: {json.dumps(results[name])}", file=sys.stderr)
        for system in ("run", "bare"):
            expected = results["sample"][system]["words"] * args.times
            results["long"][system]["words_against_sample_times"] = round(
                results["long"][system]["words"] / expected, 4)
        results["times"] = args.times
        results["duration_minutes"] = round(float(subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(long_media)],
            capture_output=True, text=True).stdout) / 60, 1)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
