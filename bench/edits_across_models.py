"""Edits made on one model's words, applied to another's: how many are found again, and what
they do to the WER (captioner.correct.edits), with and without the fallbacks that place an edit
by the words around it and by its time, side by side on the same words.

    .venv/bin/python bench/edits_across_models.py --set test [--work DIR] [--made-on base] [--applied-to tiny.en]

For each webinar, the producer's edits are what turns the --made-on run's words into the truth's
(difflib on words folded to lower case without punctuation: the word errors, as a producer fixes
them, each with three words of context). They are then applied to the --applied-to run's words,
as a later `captioner run --model tiny.en` does. The runs are made (and kept) under
--work/<set>/{media,out,out-<model>} when missing.
"""
from __future__ import annotations

import argparse
import copy
import difflib
import json
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from corpus import render, scripts  # noqa: E402
from corpus_metrics import wer_counts  # noqa: E402

from captioner.correct import edits as edits_module  # noqa: E402
from captioner.correct.edits import Edits, WordEdit, apply_edits, context, norm  # noqa: E402
from captioner.model import Transcript, from_dict  # noqa: E402
from captioner.pipeline.run import RunOptions, run_one  # noqa: E402


def transcript_of(script: Path, work: Path, model: str, out_name: str) -> tuple[dict, Transcript]:
    stem = script.name.removesuffix(".script.yaml")
    media = work / "media" / f"{stem}.mp3"
    if not media.is_file():
        media, _ = render(script, work / "media")
    truth = json.loads(media.with_name(f"{stem}.truth.json").read_text(encoding="utf-8"))
    done = work / out_name / stem / "transcript.json"
    if not done.is_file():
        options = RunOptions(out_dir=work / out_name, replay=False, speakers="off",
                             glossary_paths=[script.with_name(f"{stem}.glossary.csv")])
        options.asr.model = model
        run_one(media, options)
    return truth, from_dict(Transcript, json.loads(done.read_text(encoding="utf-8")))


def producer_edits(transcript: Transcript, truth: dict) -> Edits:
    """The word edits that turn the transcript's words into the truth's."""
    words = [w for w in transcript.words if norm(w.text)]
    right = [t for s in truth["sentences"] for t in s["text"].split() if norm(t)]
    matcher = difflib.SequenceMatcher(None, [norm(w.text) for w in words], [norm(t) for t in right], autojunk=False)
    found = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal" or a1 == a0:
            continue  # insertions aside: a producer puts back words where they are missing, not measured here
        found.append(WordEdit(words[a0].start, words[a1 - 1].end, " ".join(w.text for w in words[a0:a1]),
                              " ".join(right[b0:b1]), *context(words, a0, a1)))
    return Edits(words=found)


def text_of(truth: dict) -> str:
    return " ".join(s["text"] for s in truth["sentences"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="tuning", choices=["tuning", "test"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/edits-across"))
    parser.add_argument("--made-on", default="base")
    parser.add_argument("--applied-to", default="tiny.en")
    args = parser.parse_args()
    work = args.work / args.set
    totals = {way: {"edits": 0, "applied": 0, "already": 0, "not_placed": 0, "errors": 0, "words": 0}
              for way in ("words only", "with fallbacks")}
    before, after_own = [0, 0], [0, 0]
    for script in scripts(args.set):
        truth, made_on = transcript_of(script, work, args.made_on, "out")
        _, other = transcript_of(script, work, args.applied_to, f"out-{args.applied_to}")
        edits = producer_edits(made_on, truth)
        own = copy.deepcopy(made_on)
        apply_edits(own, edits)
        reference = text_of(truth)
        for k, value in enumerate(wer_counts(reference, other.text)):
            before[k] += value
        for k, value in enumerate(wer_counts(reference, own.text)):
            after_own[k] += value
        for way in totals:
            applied_to = copy.deepcopy(other)
            if way == "words only":
                with mock.patch.object(edits_module, "_between_context", lambda *a: None), \
                        mock.patch.object(edits_module, "_at_its_time", lambda *a: None):
                    outcome = apply_edits(applied_to, edits)
            else:
                outcome = apply_edits(applied_to, edits)
            errors, words = wer_counts(reference, applied_to.text)
            entry = totals[way]
            entry["edits"] += len(edits.words)
            entry["applied"] += outcome.applied
            entry["already"] += outcome.already
            entry["not_placed"] += len(outcome.not_placed)
            entry["errors"] += errors
            entry["words"] += words
        print(f"{script.name}: {len(edits.words)} edits", file=sys.stderr)
    print(f"edits made on {args.made_on}'s words, applied to {args.applied_to}'s ({args.set} set)")
    print(f"  {args.made_on} with its own edits: WER {after_own[0] / max(1, after_own[1]):.3f}")
    print(f"  {args.applied_to} without edits:   WER {before[0] / max(1, before[1]):.3f}")
    for way, entry in totals.items():
        n = max(1, entry["edits"])
        print(f"  {args.applied_to} + edits, {way:15s} placed {entry['applied'] / n:.1%}, already right "
              f"{entry['already'] / n:.1%}, reported {entry['not_placed'] / n:.1%} (of {entry['edits']}); "
              f"WER {entry['errors'] / max(1, entry['words']):.3f}")


if __name__ == "__main__":
    main()
