"""A lock that keeps two runs off the same recording at once."""
from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from captioner.errors import CaptionerError
from captioner.workspace import LOCK


@contextmanager
def recording_lock(folder: Path):
    """Hold an exclusive lock on `folder/.lock`; fail at once if another run holds it.

    The kernel drops the lock when the process dies, so a killed run never leaves
    a stale lock behind. A folder or lock file that is a symbolic link is refused.
    """
    if folder.is_symlink():  # every output, and the cache, would land wherever the link points
        raise CaptionerError(f"{folder} is a link: captioner writes a recording's outputs only into a real "
                             f"folder; remove the link, or choose another --out")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise CaptionerError(f"{folder / LOCK} is a link, which captioner does not write through; "
                             "remove it and run again") from None
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
