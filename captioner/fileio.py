"""Reading inputs with one error per cause, and atomic writes: an output is either the old file
or the complete new one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from captioner.errors import InputFileError

# mkstemp creates files readable by the owner only; outputs are for publishing.
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_input_bytes(path: Path | str, what: str, if_missing: str = "check the path") -> bytes:
    """The bytes of an input file, or one InputFileError saying why not (`what` names the kind
    of file wanted; `if_missing` what to do when there is none)."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file; {if_missing}") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a folder, not {what}") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
