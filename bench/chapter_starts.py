"""Chapter starts against the truth with an agenda of titles alone (`<stem>.agenda.txt`, as pasted
from an invitation) and with the full YAML agenda (titles, speakers, keywords), side by side on
the same runs of a corpus set.

    .venv/bin/python bench/chapter_starts.py --set test [--model base] [--work /tmp/chapter-starts]

Each webinar is rendered once with both agendas beside it and run through the whole pipeline
with each; the second run reuses the first's recognition and speakers (the pipeline's cache).
Prints each item's start error (seconds) and the median and worst per agenda kind, pooled.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from corpus import scripts  # noqa: E402
from corpus_metrics import chapter_errors  # noqa: E402

from captioner.pipeline.run import RunOptions, run_one  # noqa: E402
from tests.support.synth import make_webinar  # noqa: E402

KINDS = {"titles only": ".agenda.txt", "full agenda": ".agenda.yaml"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("tuning", "test"), default="test")
    parser.add_argument("--model", default="base")
    parser.add_argument("--work", type=Path, default=Path("/tmp/chapter-starts"))
    args = parser.parse_args()
    pooled: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for script in scripts(args.set):
        stem = script.name[: -len(".script.yaml")]
        media, truth = make_webinar(script, args.work / "media", seed=0, noise=None, agenda="both")
        glossary = script.with_name(f"{stem}.glossary.csv")
        row = []
        for kind, suffix in KINDS.items():
            options = RunOptions(out_dir=args.work / "out", glossary_paths=[glossary], replay=False,
                                 agenda_path=media.with_name(stem + suffix))
            options.asr.model = args.model
            chapters = run_one(media, options).report["chapters"]
            errors = chapter_errors(truth, chapters)
            pooled[kind] += errors
            row.append(f"{kind}: median {statistics.median(errors):.1f} s, worst {max(errors):.1f} s")
        print(f"{stem:34s} " + " | ".join(row), flush=True)
    print("pooled over every item:")
    for kind, errors in pooled.items():
        print(f"  {kind}: {len(errors)} items, median {statistics.median(errors):.2f} s, worst {max(errors):.2f} s")


if __name__ == "__main__":
    main()
