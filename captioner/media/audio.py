"""Open, probe and decode input media with PyAV (through faster-whisper's decoder)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from captioner.errors import MediaError
from captioner.media.channels import SAMPLE_RATE, decode_channels, decode_mono, failure_reason, stream_seconds
from captioner.model import MediaInfo

__all__ = ["SAMPLE_RATE", "MEL_FRAMES_PER_SECOND", "MEDIA_EXTENSIONS", "decode", "failure_reason", "file_sha256",
           "probe", "stream_seconds"]

MEL_FRAMES_PER_SECOND = 100  # Whisper's log-mel features (hop of 160 samples); its encoder halves them
MEDIA_EXTENSIONS = {
    ".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".wma",
    ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi",
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def probe(path: Path) -> MediaInfo:
    """Check that `path` is media with an audio stream; raise MediaError saying why not."""
    import av

    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise MediaError(f"{path}: a link to nothing (or to itself); give the media file it should point to")
    if not path.exists():
        raise MediaError(f"{path}: no such file")
    if path.is_dir():
        raise MediaError(f"{path}: is a folder, not a media file")
    if not path.is_file():
        raise MediaError(f"{path}: not a regular file (a pipe or a device); save the recording to a file first")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty (0 bytes)")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            audio = [s for s in container.streams if s.type == "audio"]
            has_video = any(s.type == "video" for s in container.streams)
            if not audio and has_video:
                raise MediaError(f"{path}: the video has no audio stream to transcribe")
            if not audio:
                raise MediaError(f"{path}: not an audio or video file (no audio stream found)")
            stream = audio[0]
            duration = stream_seconds(container, stream)
            info = MediaInfo(
                path=str(path),
                sha256=file_sha256(path),
                duration=duration,
                has_video=has_video,
                channels=stream.codec_context.channels or 1,
                sample_rate=stream.codec_context.sample_rate,
                format=container.format.name,
            )
    except MediaError:
        raise
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise MediaError(f"{path}: not an audio or video file that can be decoded ({failure_reason(exc)})") from None
    return info


def decode(path: Path, split_stereo: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Decode to float32 mono (or a left/right pair) at 16 kHz: faster-whisper's numbers
    (`decode_audio`), in less memory (channel_audio.py)."""
    return decode_channels(path) if split_stereo else decode_mono(path)
