"""Times of edited words: shared by length over the span they replace, against timed by the speech
model from the audio (captioner.correct.edit_timing), side by side on the same words.

    .venv/bin/python bench/edit_timing.py --set test [--work DIR] [--model base]

For every sentence of each webinar (but the first), the first three words recognised at its start
are edited three ways, and the first edited word's start is compared with the truth's start of the
sentence (when the voice starts it, independent of recognition):

- retyped: the same words typed again over themselves (a word fixed in place). Sharing keeps
  recognition's own times; this asks whether the model's timing is as good.
- left out: the three words removed and the words around kept as they were (a gap), then put back
  by an insertion edit.
- left out, stretched: as above, but the word before them had grown over the gap (as Whisper's
  word times do when it skips speech), so sharing can only squeeze them into nothing.

The recordings and their base runs are made (and kept) under --work/<set>/{media,out} when missing.
"""
from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from corpus import render, scripts  # noqa: E402

from captioner.asr import recognize as asr  # noqa: E402
from captioner.correct.edit_timing import time_edited_words  # noqa: E402
from captioner.correct.edits import Edits, WordEdit, apply_edits, context  # noqa: E402
from captioner.correct.listen_again import AcousticScorer  # noqa: E402
from captioner.media.audio import decode  # noqa: E402
from captioner.model import Transcript, from_dict  # noqa: E402
from captioner.pipeline.run import RunOptions, run_one  # noqa: E402

RUN = 3  # words edited at each sentence start
CASES = ("retyped", "left out", "left out, stretched")


def transcript_for(script: Path, work: Path, model: str) -> tuple[Path, dict, Transcript]:
    stem = script.name.removesuffix(".script.yaml")
    media = work / "media" / f"{stem}.mp3"
    if not media.is_file():
        media, _ = render(script, work / "media")
    truth = json.loads(media.with_name(f"{stem}.truth.json").read_text(encoding="utf-8"))
    done = work / "out" / stem / "transcript.json"
    if not done.is_file():
        options = RunOptions(out_dir=work / "out", replay=False)
        options.asr.model = model
        run_one(media, options)
    return media, truth, from_dict(Transcript, json.loads(done.read_text(encoding="utf-8")))


def edited(transcript: Transcript, k: int, case: str) -> tuple[Transcript, WordEdit]:
    """A copy of the transcript with words k..k+RUN-1 changed for the case, and the edit that fixes it."""
    copied = copy.deepcopy(transcript)
    words = copied.words
    texts = [w.text for w in words[k:k + RUN]]
    before, after = context(words, k, k + RUN)
    if case == "retyped":
        return copied, WordEdit(words[k].start, words[k + RUN - 1].end, " ".join(texts), " ".join(texts),
                                before, after)
    gone = {id(w) for w in words[k:k + RUN]}
    if case == "left out, stretched":
        words[k - 1].end = words[k + RUN].start
    for segment in copied.segments:
        segment.words = [w for w in segment.words if id(w) not in gone]
    at = words[k - 1].end
    return copied, WordEdit(at, at, "", " ".join(texts), before, after)


def first_new_start(transcript: Transcript, edit: WordEdit, scorer: AcousticScorer | None) -> float | None:
    outcome = apply_edits(transcript, Edits(words=[edit]))
    if not outcome.edited:
        return None
    if scorer is not None:
        time_edited_words(transcript.words, outcome.edited, scorer)
    return outcome.edited[0].words[0].start


def summary(errors: list[float]) -> str:
    if not errors:
        return "no edits"
    errors = sorted(errors)
    p90 = errors[min(len(errors) - 1, int(0.9 * len(errors)))]
    within = sum(e <= 0.2 for e in errors) / len(errors)
    return f"median {statistics.median(errors):.2f} s, p90 {p90:.2f} s, within 0.2 s {within:.0%} (n={len(errors)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="tuning", choices=["tuning", "test"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/edit-timing"))
    parser.add_argument("--model", default="base")
    args = parser.parse_args()
    work = args.work / args.set
    model = asr.load_model(asr.AsrOptions(model=args.model))
    errors = {(case, way): [] for case in CASES for way in ("shared", "timed")}
    for script in scripts(args.set):
        media, truth, transcript = transcript_for(script, work, args.model)
        scorer = AcousticScorer(model, decode(media), transcript.language or "en")
        words = transcript.words
        for sentence in truth["sentences"][1:]:
            near = [(abs(w.start - sentence["start"]), k) for k, w in enumerate(words)]
            gap, k = min(near)
            if gap > 0.5 or k < 1 or k + RUN >= len(words):
                continue
            for case in CASES:
                for way, timer in (("shared", None), ("timed", scorer)):
                    copied, edit = edited(transcript, k, case)
                    start = first_new_start(copied, edit, timer)
                    if start is not None:
                        errors[(case, way)].append(abs(start - sentence["start"]))
        print(f"{script.name}: done", file=sys.stderr)
    print(f"first edited word's start against the truth's sentence start ({args.set} set, {args.model})")
    for case in CASES:
        for way in ("shared", "timed"):
            print(f"  {case:20s} {way:6s}  {summary(errors[(case, way)])}")


if __name__ == "__main__":
    main()
