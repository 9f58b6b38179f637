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


def read_input_text(path: Path | str, what: str, max_bytes: int) -> str:
    """A small UTF-8 text input (an agenda, a speakers file), or one InputFileError naming the file,
    the line where it stops being UTF-8, and what to do."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(f"{what} {path} does not exist; check the path") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {path}: {exc.strerror}") from None
    if not path.is_file():
        raise InputFileError(f"{what} {path} is not a file")
    if size > max_bytes:
        raise InputFileError(f"{path.name} is {size} bytes; a {what} is at most {max_bytes} bytes")
    data = read_input_bytes(path, f"a {what}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(f"{path.name} line {line}: not UTF-8 text; save the {what} as UTF-8") from None
    if "\x00" in text:
        raise InputFileError(f"{path.name}: contains NUL bytes, so it is not a text {what}")
    return text
