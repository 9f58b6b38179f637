"""Rich Transcription Time Marked (RTTM, NIST), the file diarization tools read and score:
one line per speech region, `SPEAKER <file> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>`.
A speaker field holds no spaces: "Maria Fernández" is written Maria_Fernández. The confidence
field holds the region's voice margin (diarize.Turn.margin) where it was measured."""
from __future__ import annotations

from typing import Iterable


def write_rttm(regions: Iterable, file_id: str) -> str:
    """RTTM text of regions (objects with start, end, speaker)."""
    name = "_".join(file_id.split()) or "recording"
    lines = [f"SPEAKER {name} 1 {r.start:.3f} {r.end - r.start:.3f} <NA> <NA> {'_'.join(r.speaker.split())} "
             f"{_confidence(r)} <NA>" for r in regions if r.speaker and r.end > r.start]
    return "\n".join(lines) + ("\n" if lines else "")


def _confidence(region) -> str:
    margin = getattr(region, "margin", None)
    return "<NA>" if margin is None else f"{margin:.3f}"


def read_rttm(text: str) -> list[tuple[float, float, str]]:
    """(start, end, speaker) of each SPEAKER line."""
    out = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[0] == "SPEAKER":
            start, duration = float(fields[3]), float(fields[4])
            out.append((start, start + duration, fields[7]))
    return out
