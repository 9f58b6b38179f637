"""Captions checked against the words they were made from: every word in a cue, near its speech.

Segmentation is the last stage that moves words: it splits, joins and re-times them
into cues. A word it dropped, or put in a cue seconds from where it was said, is a
sentence a deaf viewer does not get, so the published cues are read back and matched
word by word to the transcript (after correction and listening again).
"""
from __future__ import annotations

import difflib
import re

from captioner.model import Cue, Word

AWAY_SECONDS = 2.0  # a word captioned farther than this from its own time is out of sync
LISTED = 5  # words of each kind named in report.json


def check_captions(words: list[Word], cues: list[Cue]) -> dict:
    """For report.json: words, how many are captioned, and those missing or away from their time."""
    said = [_token(w.text) for w in words]
    shown: list[tuple[int, str]] = [(c, _token(t)) for c, cue in enumerate(cues) for line in cue.lines
                                    for t in line.split()]
    matcher = difflib.SequenceMatcher(None, said, [t for _, t in shown], autojunk=False)
    captioned: dict[int, Cue] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            captioned[block.a + k] = cues[shown[block.b + k][0]]
    missing = [w for i, w in enumerate(words) if said[i] and i not in captioned]
    away = [(w, cue) for i, w in enumerate(words) if (cue := captioned.get(i)) is not None
            and max(cue.start - w.end, w.start - cue.end) > AWAY_SECONDS]
    return {"words": len(words), "captioned": len(captioned),
            "missing": [{"start": w.start, "text": w.text} for w in missing[:LISTED]],
            "missing_count": len(missing),
            "away": [{"start": w.start, "cue_start": cue.start, "text": w.text} for w, cue in away[:LISTED]],
            "away_count": len(away)}


def check_warnings(check: dict) -> list[str]:
    warnings = []
    if check["missing_count"]:
        listed = ", ".join(f"\"{m['text']}\" at {m['start']:.1f} s" for m in check["missing"])
        warnings.append(f"{check['missing_count']} recognised words are in no caption ({listed}): a defect, "
                        "please report it with report.json")
    if check["away_count"]:
        listed = ", ".join(f"\"{a['text']}\" said at {a['start']:.1f} s, shown at {a['cue_start']:.1f} s"
                           for a in check["away"])
        warnings.append(f"{check['away_count']} words are captioned more than {AWAY_SECONDS:.0f} s from their "
                        f"speech ({listed}): a defect, please report it with report.json")
    return warnings


def _token(text: str) -> str:
    return re.sub(r"[^\w']", "", text.casefold())
