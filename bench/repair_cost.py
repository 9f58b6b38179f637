"""What checking and repairing recognition costs, and what it buys, side by side.

For each webinar of a corpus set (bench/corpus/), recognition runs once as
`captioner run` does it with the webinar's glossary and agenda (hotwords, VAD,
beam 5), without repair. Then the same first pass is repaired with each way of
decoding the repair windows (beam 5 as the run does, or greedy), in the same
process, one after another: the cost is each repair's seconds as a share of
the first pass's, and what it buys is the WER and sentence coverage of the
recognised segments against the script (bench/corpus_metrics.py), with the
first pass's own beside them, and how many of the sentences not covered have
no word at all in their time (lost, not misheard).

    .venv/bin/python bench/repair_cost.py [--set tuning|test] [--models base,tiny.en]
        [--ways beam5,greedy] [--only NAME ...] [--json FILE]
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import render, scripts  # noqa: E402
from corpus_metrics import Cue, measure, pool  # noqa: E402

# beam size of the repair decodings (faster-whisper's temperature fallback after each; decoding at
# temperature 0 alone gave the same words and times on the tuning set, 2026-12-04)
WAYS = {"beam5": 5, "greedy": 1}


def first_pass(media: Path, glossary_file: Path, model_name: str):
    from captioner.asr import recognize as asr
    from captioner.glossary.formats import load_glossary
    from captioner.media.audio import decode
    from captioner.pipeline import run as pipeline
    from captioner.threads import fix_blas_threads

    fix_blas_threads()  # as `captioner run` does
    glossary = load_glossary(glossary_file)
    agenda = pipeline.load_agenda_for(media, pipeline.RunOptions())
    options = asr.AsrOptions(model=model_name, repair=False)
    options = pipeline.with_language_hint(pipeline.bias_options(options, "hotwords", glossary, agenda), glossary, agenda)
    audio = decode(media)
    transcript = asr.transcribe_audio(audio, options)
    return audio, transcript, asr.load_model(options), glossary


def figures(truth: dict, transcript, glossary) -> dict:
    """The corpus figures of the recognised segments, and `lost`: the uncovered sentences that
    no word at all overlaps in time (an uncovered sentence with words in its time was misheard)."""
    cues = [Cue(s.start, s.end, s.text) for s in transcript.segments]
    found = measure(truth, cues, glossary=glossary)
    spans = {s["index"]: (s["start"], s["end"]) for s in truth["sentences"]}
    found["lost"] = [i for i in found["uncovered"]
                     if not any(w.end > spans[i][0] and w.start < spans[i][1] for w in transcript.words)]
    return found


def one(script: Path, model_name: str, ways: list[str], work: Path) -> list[dict]:
    from captioner.asr.speech_repair import repair

    stem = script.name[: -len(".script.yaml")]
    media, truth = render(script, work)
    audio, transcript, model, glossary = first_pass(media, script.with_name(f"{stem}.glossary.csv"), model_name)
    first_seconds = transcript.timings["asr_seconds"]
    rows = [{"file": stem, "model": model_name, "way": "none", "seconds": first_seconds,
             **figures(truth, transcript, glossary)}]
    for way in ways:
        repaired = copy.deepcopy(transcript)
        started = time.perf_counter()
        records = repair(repaired, audio, model, transcript.language, WAYS[way])
        seconds = time.perf_counter() - started
        rows.append({"file": stem, "model": model_name, "way": way, "seconds": round(seconds, 2),
                     "share": round(seconds / first_seconds, 4), "spans": len(records),
                     **figures(truth, repaired, glossary)})
    return rows


def pooled(rows: list[dict]) -> dict:
    """Per model and way: the corpus's pooled figures, the worst file's coverage, the sentences
    lost, and the repair's seconds as a share of the first passes' of the same files."""
    out = {}
    for key in sorted({(r["model"], r["way"]) for r in rows}):
        mine = [r for r in rows if (r["model"], r["way"]) == key]
        entry = {k: v for k, v in pool(mine).items() if k in ("wer", "coverage", "sync_p95", "sync_over_2s", "terms")}
        entry.update(coverage_min=min(r["coverage"] for r in mine), sentences_lost=sum(len(r["lost"]) for r in mine))
        if key[1] != "none":
            firsts = {r["file"]: r["seconds"] for r in rows if r["model"] == key[0] and r["way"] == "none"}
            entry["share"] = round(sum(r["seconds"] for r in mine) / sum(firsts[r["file"]] for r in mine), 4)
        out[" ".join(key)] = entry
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("tuning", "test"), default="tuning")
    parser.add_argument("--models", default="base")
    parser.add_argument("--ways", default=",".join(WAYS), help=f"of {', '.join(WAYS)}")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    ways = [w for w in args.ways.split(",") if w]
    rows = []
    with tempfile.TemporaryDirectory(prefix="repair-cost-") as tmp:
        for script in scripts(args.set):
            if args.only and script.name[: -len(".script.yaml")] not in args.only:
                continue
            for model_name in args.models.split(","):
                for row in one(script, model_name, ways, Path(tmp)):
                    rows.append(row)
                    print(json.dumps({k: v for k, v in row.items() if k != "sync_offsets"}), file=sys.stderr, flush=True)
    result = {"set": args.set, "pooled": pooled(rows), "rows": rows}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result["pooled"], indent=1))


if __name__ == "__main__":
    main()
