"""Caption and transcript files: one module per format, string in and string out.

Callers write the strings with captioner.fileio (atomically); `read_captions`
reads any SRT or WebVTT file, ours or anyone's.
"""
from __future__ import annotations

from pathlib import Path

from captioner.clock import timestamp
from captioner.errors import InputFileError
from captioner.fileio import read_input_bytes
from captioner.formats.common import RLM
from captioner.formats.srt import read_srt
from captioner.formats.vtt import read_vtt
from captioner.model import Cue

__all__ = ["RLM", "timestamp", "decode_caption_bytes", "caption_format", "read_captions"]


def decode_caption_bytes(data: bytes) -> str:
    """Text of a caption file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def caption_format(path: Path, text: str) -> str:
    """'vtt' or 'srt', from the content first (a WEBVTT header), then the extension."""
    if text.lstrip("\ufeff").startswith("WEBVTT"):
        return "vtt"
    suffix = Path(path).suffix.lower()
    if suffix == ".vtt":
        return "vtt"
    return "srt"


def read_captions(path: Path) -> list[Cue]:
    """Cues of an SRT or WebVTT file; InputFileError when it cannot be read as either."""
    path = Path(path)
    text = decode_caption_bytes(read_input_bytes(path, "a caption file"))
    kind = caption_format(path, text)
    try:
        return read_vtt(text) if kind == "vtt" else read_srt(text)
    except InputFileError as exc:
        raise InputFileError(f"{path}: {exc}") from None
