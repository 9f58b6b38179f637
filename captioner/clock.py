"""Times as caption files and people write them: one formatter of each kind for every stage."""
from __future__ import annotations

import math


def timestamp(seconds: float, decimal: str = ".") -> str:
    """HH:MM:SS.mmm, as WebVTT writes it (SRT uses decimal=',')."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{ms:03d}"


def clock(seconds: float) -> str:
    """0:07, 12:34, 1:02:03: how a time reads in a message, a list or on the page (rounded down,
    so a time shown is never after the moment it names)."""
    total = max(0, int(math.floor(seconds + 1e-6)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
