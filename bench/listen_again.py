"""Listening again (captioner/correct/listen_again.py): what it gains and what it costs.

For the sample recording (glossary/counter-terrorism.yaml, its agenda) and the synthetic
webinars (their producer glossaries, seeds given): recognition and correction as
`captioner run` does them (hotwords, correction; speakers off), then listen_again on the
result. Prints per file and pooled: term accuracy (tests/support/term_accuracy.py) and WER
(tests/support/textnorm.py) before and after listening, the changes made, and the seconds
listening took against the seconds recognition took on the same file in this process.

    .venv/bin/python bench/listen_again.py [--seeds 2 3] [--work DIR] [--verbose]
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

from captioner import media  # noqa: E402
from captioner.asr import recognize as asr
from captioner.correct.listen_again import ListenOptions, listen_again  # noqa: E402
from captioner.glossary.formats import load_glossaries  # noqa: E402
from captioner.pipeline.run import RunOptions, run_one  # noqa: E402
from tests.support.synth import WEBINARS_DIR, make_webinar, webinar_names  # noqa: E402
from tests.support.term_accuracy import TermScore, term_accuracy  # noqa: E402
from tests.support.textnorm import wer  # noqa: E402

SAMPLE = ROOT / "recordings" / "view-to-a-border.mp3"


def cases(seeds: list[int], work: Path):
    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text(encoding="utf-8"))
    yield "sample", SAMPLE, ROOT / "glossary" / "counter-terrorism.yaml", truth
    for seed in seeds:
        for name in webinar_names():
            media_path, truth = make_webinar(name, work / f"{name}-s{seed}", seed=seed)
            yield f"{name}-s{seed}", media_path, WEBINARS_DIR / f"{name}.glossary.csv", truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--work", type=Path, help="keep recognition here between runs")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp())
    pooled = {"before": TermScore(0, 0), "after": TermScore(0, 0)}
    wers = {"before": [], "after": []}
    seconds = {"asr": 0.0, "listen": 0.0}
    for name, media_path, glossary_path, truth in cases(args.seeds, work):
        reference = " ".join(s["text"] for s in truth["sentences"])
        glossary = load_glossaries([glossary_path])
        result = run_one(media_path, RunOptions(out_dir=work / "out", glossary_paths=[glossary_path], languages=[],
                                                replay=False, speakers="off", listen=False))
        transcript = result.transcript
        audio = media.decode(media_path)
        model = asr.load_model(asr.AsrOptions())
        started = time.perf_counter()
        heard, log = listen_again(transcript, audio, glossary, model, ListenOptions())
        listen_seconds = time.perf_counter() - started
        started = time.perf_counter()
        asr.transcribe_audio(audio, asr.AsrOptions(**transcript.options))  # recognition again, timed here
        asr_seconds = time.perf_counter() - started
        before, after = term_accuracy(reference, transcript.text, glossary), term_accuracy(reference, heard.text, glossary)
        pooled["before"] += before
        pooled["after"] += after
        wers["before"].append(wer(reference, transcript.text))
        wers["after"].append(wer(reference, heard.text))
        seconds["asr"] += asr_seconds
        seconds["listen"] += listen_seconds
        print(f"{name:36} terms {before.correct}->{after.correct}/{before.total}  WER {wers['before'][-1]:.3f}->"
              f"{wers['after'][-1]:.3f}  listen {listen_seconds:.1f} s / recognition {asr_seconds:.1f} s", flush=True)
        if args.verbose:
            for c in log:
                print(f"    {c.start:7.2f} {c.before!r} -> {c.after!r} ({c.score:+.2f})")
    n = len(wers["before"])
    print(json.dumps({
        "files": n,
        "term_accuracy": {k: round(v.accuracy, 3) for k, v in pooled.items()},
        "mean_wer": {k: round(sum(v) / n, 3) for k, v in wers.items()},
        "listen_seconds_per_recognition_second": round(seconds["listen"] / seconds["asr"], 3),
    }, indent=1))


if __name__ == "__main__":
    main()
