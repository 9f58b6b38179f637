"""What every caption format shares: the right-to-left mark."""
from __future__ import annotations

RLM = "\u200f"  # right-to-left mark, put at the start of lines in RTL languages

