"""Decode media to float32 at 16 kHz, mono or as left and right channels, with little memory beyond the result.

The numbers are those of faster-whisper's `decode_audio` (the same PyAV
resampler, fed the same groups of frames), which builds them through a byte
buffer and a whole-recording conversion: about 10 bytes per sample at its peak
for mono (610 MB for the sample repeated to 59 minutes) and 20 for stereo. Here
each group's samples are written into an array sized from the container's
duration as they come: 4 bytes per sample and channel, a mono file's equal
channels kept once. Recognition decodes mono this way while speaker detection
decodes the channels on its own thread, at the same time.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from captioner.errors import MediaError

SAMPLE_RATE = 16000  # what Whisper reads
GROUP_SAMPLES = 500_000  # decoded samples resampled at once (faster-whisper's grouping)


def stream_seconds(container, stream) -> float:
    """The audio stream's length as its container states it (0 when it does not)."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return 0.0


def failure_reason(exc: Exception) -> str:
    """The cause without the file name FFmpeg repeats."""
    return getattr(exc, "strerror", None) or type(exc).__name__


class _Growing:
    """A float32 array filled from the front, grown (doubled) when a guess of its size was short."""

    def __init__(self, size: int):
        self.data = np.empty(max(size, SAMPLE_RATE), dtype=np.float32)
        self.length = 0

    def append(self, samples: np.ndarray) -> None:
        end = self.length + len(samples)
        if end > len(self.data):
            grown = np.empty(max(end, 2 * len(self.data)), dtype=np.float32)
            grown[:self.length] = self.data[:self.length]
            self.data = grown
        self.data[self.length:end] = samples
        self.length = end

    def result(self) -> np.ndarray:
        # a view unless the guess was far too long: a copy would be a second recording's worth
        out = self.data[:self.length] if self.length >= 0.9 * len(self.data) else self.data[:self.length].copy()
        self.data = np.empty(0, dtype=np.float32)
        out /= 32768.0
        return out


def decode_mono(path: Path) -> np.ndarray:
    """Float32 mono at 16 kHz: faster-whisper's `decode_audio(path)`, bit for bit."""
    left, _ = _decode(path, stereo=False)
    return left


def decode_channels(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) float32 at 16 kHz. Equal channels (a mono file) come back as one array twice."""
    return _decode(path, stereo=True)


def _decode(path: Path, stereo: bool) -> tuple[np.ndarray, np.ndarray]:
    import av

    resampler = av.audio.resampler.AudioResampler(format="s16", layout="stereo" if stereo else "mono",
                                                  rate=SAMPLE_RATE)
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            left = _Growing(int((stream_seconds(container, container.streams.audio[0]) + 1.0) * SAMPLE_RATE))
            right: _Growing | None = None  # while every chunk so far had equal channels
            chunks = (f.to_ndarray().reshape(-1, 2 if stereo else 1)
                      for group in itertools.chain(_groups(_valid_frames(container.decode(audio=0))), [None])
                      for f in resampler.resample(group))
            for chunk in chunks:
                if right is None and stereo and not np.array_equal(chunk[:, 0], chunk[:, 1]):
                    right = _Growing(len(left.data))
                    right.append(left.data[:left.length])
                left.append(chunk[:, 0])
                if right is not None:
                    right.append(chunk[:, 1])
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise MediaError(f"{path}: the audio could not be decoded ({failure_reason(exc)})") from None
    mixed = left.result()
    return mixed, (right.result() if right is not None else mixed)


def _valid_frames(frames):
    """The frames, less the damaged ones (skipped, as faster-whisper does)."""
    import av

    iterator = iter(frames)
    while True:
        try:
            yield next(iterator)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _groups(frames):
    import av

    fifo = av.audio.fifo.AudioFifo()
    for frame in frames:
        frame.pts = None  # no timestamp check across frames
        fifo.write(frame)
        if fifo.samples >= GROUP_SAMPLES:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()
