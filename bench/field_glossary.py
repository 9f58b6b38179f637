"""Hotwords beside a field glossary: terms the agenda does not name, from every glossary
file or only from the recording's own (captioner/asr/hotwords.py, OWN_GLOSSARY_SHARE).

Each synthetic webinar runs as a producer would run it with the defaults: the field glossary
glossary/counter-terrorism.yaml and the webinar's own tests/data/webinars/<name>.glossary.csv,
its agenda, correction and listening again (speakers off). Once with every glossary file
taken as the recording's own (share 0: what captioner did before), once with the rule. Term
accuracy (tests/support/term_accuracy.py) is counted on the webinar's own glossary, WER with
tests/support/textnorm.py; the hotwords each way are printed.

    .venv/bin/python bench/field_glossary.py [--seeds 8 9] [--work DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from captioner import glossary_formats  # noqa: E402
from captioner.asr import hotwords
from captioner.pipeline.run import RunOptions, run_one  # noqa: E402
from tests.support.synth import WEBINARS_DIR, make_webinar, webinar_names  # noqa: E402
from tests.support.term_accuracy import TermScore, term_accuracy  # noqa: E402
from tests.support.textnorm import wer  # noqa: E402

FIELD = ROOT / "glossary" / "counter-terrorism.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[8, 9])
    parser.add_argument("--work", type=Path, help="keep recognition here between runs")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp())
    shares = {"every file": 0.0, "own only": hotwords.OWN_GLOSSARY_SHARE}
    pooled = {k: TermScore(0, 0) for k in shares}
    wers: dict[str, list[float]] = {k: [] for k in shares}
    for seed in args.seeds:
        for name in webinar_names():
            media_path, truth = make_webinar(name, work / f"{name}-s{seed}", seed=seed)
            reference = " ".join(s["text"] for s in truth["sentences"])
            own = WEBINARS_DIR / f"{name}.glossary.csv"
            scored_on = glossary_formats.load_glossaries([own])
            line = f"{name}-s{seed}"
            for label, share in shares.items():
                hotwords.OWN_GLOSSARY_SHARE = share
                result = run_one(media_path, RunOptions(out_dir=work / "out", glossary_paths=[FIELD, own],
                                                        languages=[], replay=False, speakers="off"))
                text = result.transcript.text
                score = term_accuracy(reference, text, scored_on)
                pooled[label] += score
                wers[label].append(wer(reference, text))
                line += f"  {label}: terms {score.correct}/{score.total} WER {wers[label][-1]:.3f}"
                print(f"    {label} hotwords: {result.transcript.options.get('hotwords')}")
            print(line, flush=True)
    print(json.dumps({label: {"terms": f"{pooled[label].correct}/{pooled[label].total}",
                              "term_accuracy": round(pooled[label].accuracy, 3),
                              "mean_wer": round(sum(wers[label]) / len(wers[label]), 3)} for label in shares},
                     indent=1))


if __name__ == "__main__":
    main()
