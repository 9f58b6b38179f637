"""Speaker labels sentence by sentence: how many sentences carry the right name, how many show a
label change inside them (a sentence the truth gives one person), and the diarization error rate
of the run's <stem>.rttm (who spoke when) against the truth's sentences (no collar), for each value of
captioner.speakers.diarize.SENTENCE_SPLIT_PAUSE and SENTENCE_MAJORITY, side by side on the same runs.

    .venv/bin/python bench/sentence_speakers.py --set tuning [--pauses 0 1 2] [--majorities 0.5 0.7] [--model base]

Each webinar of the set is rendered (tests/support/synth.py) and run once through the whole
pipeline; every other value reuses that run's cached recognition, speakers and chapters, so only
the sentence rule and what follows it run again. 0 is the rule off (every word keeps its turn).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from corpus import read_cues, render, scripts  # noqa: E402
from corpus_metrics import align_sentences  # noqa: E402

from captioner.formats.rttm import read_rttm  # noqa: E402
from captioner.pipeline.run import RunOptions, run_one  # noqa: E402
from captioner.speakers import diarize  # noqa: E402
from captioner.workspace import Workspace  # noqa: E402


def sentence_labels(truth: dict, cues, outcomes: list | None = None) -> tuple[int, int, int, int]:
    """(sentences under the right name by majority, sentences with a label change inside, sentences
    under the right name and no other, sentences).

    A person the agenda does not name has no name to get: the right label is then the "Speaker N"
    the run gives that person most often, provided it is nobody else's most frequent label."""
    matches = list(align_sentences(truth, cues))
    said = [[cues[c].speakers[k] if k < len(cues[c].speakers) else None for _, c, k in match["matches"]]
            for match in matches]
    named = {item["speaker"].casefold() for item in truth["items"] if item.get("speaker")}
    counts: dict[str, Counter] = {}
    for sentence, labels in zip(truth["sentences"], said):
        counts.setdefault(sentence["speaker"].casefold(), Counter()).update(s.casefold() for s in labels if s)
    usual = {person: c.most_common(1)[0][0] for person, c in counts.items() if c}
    label_of = {person: person for person in counts}
    for person in counts:
        if person not in named and person in usual and usual[person].startswith("speaker "):
            taken = [p for p, label in usual.items() if label == usual[person] and p != person]
            if not taken:
                label_of[person] = usual[person]
    right = split = whole = 0
    for sentence, labels in zip(truth["sentences"], said):
        expected = label_of[sentence["speaker"].casefold()]
        shown = {s.casefold() for s in labels if s}
        right += sum(1 for s in labels if s and s.casefold() == expected) * 2 > len(labels) > 0
        split += len(shown) > 1
        whole += shown == {expected}
        if outcomes is not None:
            outcomes.append(shown == {expected})
    return right, split, whole, len(truth["sentences"])


MARGIN_BUCKETS = (-1.0, 0.0, 0.02, 0.05, 0.1, 0.2, 1.0)


def sentence_margins(truth: dict, rttm_text: str) -> list[float | None]:
    """Per truth sentence: the voice margin of the .rttm regions over it (time-weighted), None if none."""
    regions = []
    for line in rttm_text.splitlines():
        fields = line.split()
        if len(fields) >= 9 and fields[0] == "SPEAKER" and fields[8] != "<NA>":
            regions.append((float(fields[3]), float(fields[3]) + float(fields[4]), float(fields[8])))
    out = []
    for sentence in truth["sentences"]:
        weights = [(min(e, sentence["end"]) - max(s, sentence["start"]), m) for s, e, m in regions]
        weights = [(w, m) for w, m in weights if w > 0]
        out.append(sum(w * m for w, m in weights) / sum(w for w, _ in weights) if weights else None)
    return out


def diarization_error(truth: dict, words=None, regions=None) -> tuple[float, float]:
    """(seconds of error, seconds of reference speech) against the truth's sentences, without
    collar (pyannote.metrics), of the run's <stem>.rttm `regions` ((start, end, speaker)), or of
    the words' speakers (a run of one speaker's words spanning its pauses)."""
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, hypothesis = Annotation(), Annotation()
    for sentence in truth["sentences"]:
        reference[Segment(sentence["start"], sentence["end"])] = sentence["speaker"].replace(" ", "_")
    for start, end, speaker in regions or []:
        hypothesis[Segment(start, end)] = speaker
    run = []
    for word in [*(words or []), None]:
        if run and (word is None or word.speaker != run[0].speaker):
            if run[0].speaker is not None:
                hypothesis[Segment(run[0].start, run[-1].end)] = run[0].speaker.replace(" ", "_")
            run = []
        if word is not None:
            run.append(word)
    metric = DiarizationErrorRate(collar=0.0, skip_overlap=False)
    detail = metric(reference, hypothesis, uem=Timeline([Segment(0, truth["duration"])]), detailed=True)
    return (detail["confusion"] + detail["missed detection"] + detail["false alarm"]), detail["total"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("tuning", "test"), default="tuning")
    parser.add_argument("--pauses", type=float, nargs="*", default=[0, 1.0, 1.5, 2.0, 3.0, 1000])
    parser.add_argument("--majorities", type=float, nargs="*", default=[0.5])
    parser.add_argument("--model", default="base")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sentence-speakers"))
    args = parser.parse_args()
    variants = [(pause, share) for pause in args.pauses for share in args.majorities]
    totals = {variant: [0, 0, 0, 0, 0.0, 0.0] for variant in variants}
    by_margin: dict = {}
    for script in scripts(args.set):
        stem = script.name[: -len(".script.yaml")]
        media, truth = render(script, args.work / "media")
        glossary = script.with_name(f"{stem}.glossary.csv")
        row = []
        for pause, share in variants:
            diarize.SENTENCE_SPLIT_PAUSE, diarize.SENTENCE_MAJORITY = pause, share
            options = RunOptions(out_dir=args.work / "out", glossary_paths=[glossary], replay=False)
            options.asr.model = args.model
            run_one(media, options)
            cues, _ = read_cues("full", args.work / "out", media.stem)
            outcomes: list[bool] = []
            right, split, whole, count = sentence_labels(truth, cues, outcomes)
            rttm = Workspace.at(args.work / "out" / media.stem).rttm
            if rttm.exists() and (pause, share) == variants[0]:
                for outcome, margin in zip(outcomes, sentence_margins(truth, rttm.read_text())):
                    bucket = None if margin is None else next(
                        b for b in zip(MARGIN_BUCKETS, MARGIN_BUCKETS[1:]) if margin < b[1])
                    by_margin.setdefault(bucket, [0, 0])[0] += 1
                    by_margin[bucket][1] += outcome
            error, total = diarization_error(truth, regions=read_rttm(rttm.read_text()) if rttm.exists() else [])
            totals[pause, share] = [a + b for a, b in zip(totals[pause, share], (right, split, whole, count, error, total))]
            row.append(f"{pause:g}/{share:g}: {right} right, {split} split, {whole} whole, DER {error / total:.3f}")
        print(f"{stem:40s} " + " | ".join(row), flush=True)
    print("pooled:")
    for (pause, share), (right, split, whole, count, error, total) in totals.items():
        print(f"  pause {pause:g} s, majority {share:g}: {right}/{count} sentences under the right name ({right / count:.3f}), "
              f"{split} with a label change inside, {whole} wholly under the right name ({whole / count:.3f}), "
              f"DER {error / total:.3f} (no collar)")
    print("sentences wholly under the right name, by the voice margin of their speech (first variant):")
    for bucket in sorted(by_margin, key=lambda b: (b is not None, b)):
        count, good = by_margin[bucket]
        print(f"  margin {'not measured' if bucket is None else f'{bucket[0]:g} to {bucket[1]:g}'}: "
              f"{good}/{count} ({good / count:.1%})")


if __name__ == "__main__":
    main()
