"""What the corpus benchmark measures, given a webinar's truth and what a system wrote.

A system's output is a list of *cues*: (start, end, text) as a viewer sees them
(for plain faster-whisper, its segments), and optionally *words* with speakers.

- WER: the cues' words (speaker labels are never part of a cue's text here)
  against every sentence of the truth, after tests/support/textnorm.py's normalisation.
- Sentence coverage: a sentence counts when at least half its words are matched
  (by one global alignment of the two word sequences) in cues that overlap its
  own time widened by 2 s on each side.
- Sync: for each sentence with a matched word, the first such word's cue against
  the time the word was said (interpolated within the sentence by its position):
  how late the cue appears, or how early it has gone; 0 while it is on screen.
- Terms: occurrences of glossary forms written exactly (tests/support/term_accuracy.py).
- Speakers: sentences whose matched words carry the truth's speaker (by name,
  case-insensitive) for most of them.
- Chapters: |chapter start - item start| for each agenda item.
"""
from __future__ import annotations

import difflib
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jiwer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.textnorm import normalize  # noqa: E402

AROUND = 2.0  # seconds either side of a sentence in which its words may be captioned
LATE = 2.0  # a cue this far from its speech is out of sync


@dataclass
class Cue:
    start: float
    end: float
    text: str
    speakers: list[str | None] = field(default_factory=list)  # one per word of text, if known


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def wer_counts(reference: str, hypothesis: str) -> tuple[int, int]:
    """(errors, reference words): summed over files they give the pooled WER."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0, 0
    out = jiwer.process_words(ref, hyp or "<empty>")
    return out.substitutions + out.deletions + out.insertions, len(ref.split())


def align_sentences(truth: dict, cues: list[Cue]) -> list[dict]:
    """Per sentence: its words matched in the cues, with each match's cue and speaker."""
    ref: list[tuple[int, int, str]] = []  # (sentence, position in sentence, token)
    lengths = []
    for index, sentence in enumerate(truth["sentences"]):
        words = tokens(sentence["text"])
        lengths.append(len(words))
        ref += [(index, k, w) for k, w in enumerate(words)]
    hyp: list[tuple[int, int, str]] = []  # (cue, word index, token)
    for c, cue in enumerate(cues):
        for k, w in enumerate(tokens(cue.text)):
            hyp.append((c, k, w))
    matcher = difflib.SequenceMatcher(None, [t for _, _, t in ref], [t for _, _, t in hyp], autojunk=False)
    result = [{"words": n, "matches": []} for n in lengths]
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            sentence, position, _ = ref[block.a + offset]
            cue, word, _ = hyp[block.b + offset]
            result[sentence]["matches"].append((position, cue, word))
    return result


def said_at(sentence: dict, position: int, words: int) -> float:
    """When the sentence's `position`-th word was said, interpolated by position."""
    share = (position + 0.5) / max(1, words)
    return sentence["start"] + share * (sentence["end"] - sentence["start"])


def measure(truth: dict, cues: list[Cue], *, glossary=None, chapters=None) -> dict:
    """Every figure for one file (see the module doc); counts kept for pooling."""
    from tests.support.term_accuracy import term_accuracy

    reference = " ".join(s["text"] for s in truth["sentences"])
    hypothesis = " ".join(c.text for c in cues)
    errors, ref_words = wer_counts(reference, hypothesis)
    aligned = align_sentences(truth, cues)
    covered, offsets, named, judged, uncovered = 0, [], 0, 0, []
    for sentence, match in zip(truth["sentences"], aligned):
        near = [(p, c, k) for p, c, k in match["matches"]
                if cues[c].end >= sentence["start"] - AROUND and cues[c].start <= sentence["end"] + AROUND]
        if match["words"] and len(near) * 2 >= match["words"]:
            covered += 1
        else:
            uncovered.append(sentence["index"])
        if match["matches"]:
            position, c, _ = match["matches"][0]
            moment = said_at(sentence, position, match["words"])
            cue = cues[c]
            offsets.append(max(0.0, cue.start - moment, moment - cue.end))
        if cues and any(cue.speakers for cue in cues) and match["matches"]:
            judged += 1
            said_by = [cues[c].speakers[k] if k < len(cues[c].speakers) else None for _, c, k in match["matches"]]
            right = sum(1 for s in said_by if s and s.casefold() == sentence["speaker"].casefold())
            named += right * 2 > len(said_by)
    figures = {
        "wer": round(errors / ref_words, 4) if ref_words else 0.0,
        "wer_errors": errors,
        "ref_words": ref_words,
        "sentences": len(truth["sentences"]),
        "covered": covered,
        "coverage": round(covered / len(truth["sentences"]), 4),
        "uncovered": uncovered,
        "sync_median": round(statistics.median(offsets), 3) if offsets else None,
        "sync_p95": round(percentile(offsets, 95), 3) if offsets else None,
        "sync_over_2s": sum(1 for o in offsets if o > LATE),
        "sync_offsets": [round(o, 3) for o in offsets],
    }
    if glossary is not None:
        score = term_accuracy(reference, hypothesis, glossary)
        figures.update(terms=round(score.accuracy, 4), terms_correct=score.correct, terms_total=score.total,
                       terms_missed=score.missed())
    if judged:
        figures.update(speakers=round(named / len(truth["sentences"]), 4), speakers_right=named)
    if chapters is not None:
        errors_s = chapter_errors(truth, chapters)
        figures.update(chapter_median=round(statistics.median(errors_s), 2), chapter_max=round(max(errors_s), 2),
                       chapter_errors=errors_s)
    return figures


def false_corrections(truth: dict, corrections: list[dict]) -> list[dict]:
    """Term corrections whose term the script does not say within AROUND seconds of where it
    was written ("Yusuf, over to you." read as "oversight")."""
    wrong = []
    for c in corrections:
        said = " ".join(w for s in truth["sentences"] if s["end"] >= c["start"] - AROUND
                        and s["start"] <= c["end"] + AROUND for w in tokens(s["text"]))
        if f" {' '.join(tokens(c['after']))} " not in f" {said} ":
            wrong.append({k: c.get(k) for k in ("start", "before", "after", "rule", "score")})
    return wrong


def chapter_errors(truth: dict, chapters: list[dict]) -> list[float]:
    """|start of the chapter of each item - the item's start|; an item without one counts its
    distance to the nearest chapter start."""
    starts = [c["start"] for c in chapters]
    errors = []
    for index, item in enumerate(truth["items"]):
        mine = next((c["start"] for c in chapters if c.get("title", "").strip() == item["title"]), None)
        if mine is None:
            mine = min(starts, key=lambda s: abs(s - item["start"])) if starts else 0.0
        errors.append(round(abs(mine - item["start"]), 2))
    return errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def pool(results: list[dict]) -> dict:
    """Figures over several files: rates from summed counts, sync over all sentences."""
    if not results:
        return {}
    offsets = [o for r in results for o in r["sync_offsets"]]
    pooled = {
        "files": len(results),
        "wer": round(sum(r["wer_errors"] for r in results) / max(1, sum(r["ref_words"] for r in results)), 4),
        "coverage": round(sum(r["covered"] for r in results) / sum(r["sentences"] for r in results), 4),
        "sync_median": round(statistics.median(offsets), 3) if offsets else None,
        "sync_p95": round(percentile(offsets, 95), 3) if offsets else None,
        "sync_over_2s": sum(r["sync_over_2s"] for r in results),
    }
    if all("terms_total" in r for r in results):
        total = sum(r["terms_total"] for r in results)
        pooled["terms"] = round(sum(r["terms_correct"] for r in results) / total, 4) if total else None
    if all("speakers_right" in r for r in results):
        pooled["speakers"] = round(sum(r["speakers_right"] for r in results) / sum(r["sentences"] for r in results), 4)
    if all("chapter_errors" in r for r in results):
        errors = [e for r in results for e in r["chapter_errors"]]
        pooled["chapter_median"] = round(statistics.median(errors), 2)
        pooled["chapter_max"] = round(max(errors), 2)
    if all("corrections" in r for r in results):
        pooled["corrections"] = sum(r["corrections"] for r in results)
        pooled["false_corrections"] = sum(len(r["false_corrections"]) for r in results)
    for key in ("compliance", "seconds", "peak_mib", "real_time_factor"):
        if all(key in r for r in results):
            pooled[key] = round(statistics.mean(r[key] for r in results), 4)
    return pooled
