"""How the page reaches the recording: a relative URL to it, or a copy beside the page."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from captioner.errors import CaptionerError
from captioner.model import Transcript
from captioner.replay import markup

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".ogv", ".mpg", ".mpeg", ".ts"})


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _copy_atomic(source: Path, target: Path) -> None:
    if target.exists():
        a, b = source.stat(), target.stat()
        if a.st_size == b.st_size and b.st_mtime >= a.st_mtime:
            return  # already copied
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a web server must be able to read it
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def media_reference(folder: Path, media_path: Path, copy_media: bool) -> str:
    """The media's URL relative to the page, copying it beside the page when asked, or when an
    earlier build copied it there (--copy-media sticks: a rerun without it kept linking back to
    the recording's own folder, breaking a folder published on its own)."""
    media_path = Path(media_path)
    if not media_path.is_file():
        raise CaptionerError(f"{media_path}: recording not found; the replay page needs it beside or "
                             "above its folder (or rebuild with --copy-media from where it is)")
    if copy_media or (folder / media_path.name).is_file():
        target = folder / media_path.name
        if target.resolve() != media_path.resolve():
            _copy_atomic(media_path, target)
        return markup.url(media_path.name)
    try:
        relative = os.path.relpath(media_path.resolve(), folder.resolve())
    except ValueError:  # another drive on Windows: no relative path exists
        raise CaptionerError(f"{media_path}: no relative path from {folder}; use --copy-media") from None
    return markup.url(Path(relative).as_posix())


def has_video(transcript: Transcript, media_path: Path) -> bool:
    if transcript.media is not None:
        return bool(transcript.media.has_video)
    return Path(media_path).suffix.lower() in VIDEO_SUFFIXES
