"""Give large freed arrays back to the system at once (glibc's malloc).

glibc serves an allocation from its heap, not from a fresh mapping, once one of
that size was freed (its mmap threshold rises to the largest freed block, up
to 32 MB), and with two threads allocating (recognition and the speaker-evidence
thread) the freed spectrograms of one part of a long recording are not reused
by the next: `captioner run` on the sample repeated to 59 minutes grew part by
part to a peak of 1543 MiB, against 1388 MiB with a fixed threshold, which keeps
every array of 128 KiB or more in a mapping of its own, returned when freed.
"""
from __future__ import annotations

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's default; setting it turns off its rising


def return_large_blocks() -> None:
    """Fix glibc's mmap threshold for this process; nothing elsewhere (macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
