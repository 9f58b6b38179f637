"""What every caption format shares: the right-to-left mark and the clock."""
from __future__ import annotations

RLM = "\u200f"  # right-to-left mark, put at the start of lines in RTL languages


def timestamp(seconds: float, decimal: str = ".") -> str:
    """HH:MM:SS.mmm (SRT uses decimal=',')."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{ms:03d}"
