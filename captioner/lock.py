"""A lock that keeps two runs off the same recording at once."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import CaptionerError


@contextmanager
def recording_lock(folder: Path):
    """Hold an exclusive lock on `folder/.lock`; fail at once if another run holds it.

    The kernel drops the lock when the process dies, so a killed run never leaves
    a stale lock behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CaptionerError(
                f"another captioner run is working on {folder}; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)
