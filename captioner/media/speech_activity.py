"""Where there is speech: webrtcvad over 10 ms frames of 16 kHz audio, and frame-mask helpers."""
from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np

from captioner.errors import ModelError

SAMPLE_RATE = 16000
FRAME = 0.01  # seconds per frame
FRAME_SAMPLES = int(SAMPLE_RATE * FRAME)

VAD_MODE = 2  # webrtcvad aggressiveness, 0 (least) to 3
HANGOVER = 0.15  # seconds: pauses this short inside speech are speech
MIN_SPEECH = 0.2  # seconds: shorter bursts are clicks, not speech
SILENCE_DB = -60.0  # frames quieter than this are never speech
BLOCK_FRAMES = 6000  # frames (60 s) handled at once, so memory stays flat however long the recording


def speech_frames(audio: np.ndarray, mode: int = VAD_MODE) -> np.ndarray:
    """Per 10 ms frame of 16 kHz mono audio: True where webrtcvad (aggressiveness `mode`) hears
    speech (smoothed)."""
    vad = _webrtcvad().Vad(mode)
    n = len(audio) // FRAME_SAMPLES
    step = 3  # webrtcvad takes 10, 20 or 30 ms: 30 ms is the most reliable
    flags = np.zeros(n, dtype=bool)
    # block by block, so a long recording is never copied whole (BLOCK_FRAMES is a multiple of step)
    for first in range(0, n - step + 1, BLOCK_FRAMES):
        last = min(n, first + BLOCK_FRAMES)
        pcm = (np.clip(audio[first * FRAME_SAMPLES: last * FRAME_SAMPLES], -1, 1) * 32767).astype("<i2")
        for i in range(0, last - first - step + 1, step):
            flags[first + i:first + i + step] = vad.is_speech(
                pcm[i * FRAME_SAMPLES:(i + step) * FRAME_SAMPLES].tobytes(), SAMPLE_RATE)
    flags &= frame_db(audio)[:n] >= SILENCE_DB
    flags = close_gaps(flags, int(HANGOVER / FRAME))
    for s, e in mask_to_runs(flags):
        if (e - s) * FRAME < MIN_SPEECH:
            flags[s:e] = False
    return flags


def frame_db(audio: np.ndarray) -> np.ndarray:
    """Loudness (dB of full scale) of each 10 ms frame."""
    n = len(audio) // FRAME_SAMPLES
    power = np.empty(n)
    for first in range(0, n, BLOCK_FRAMES):
        last = min(n, first + BLOCK_FRAMES)
        block = audio[first * FRAME_SAMPLES: last * FRAME_SAMPLES].reshape(last - first, FRAME_SAMPLES)
        power[first:last] = np.mean(block.astype(np.float64) ** 2, axis=1)
    return 10 * np.log10(power + 1e-10)


def near_spans(speech: np.ndarray, spans: Sequence[tuple[float, float]] | None, margin: float) -> np.ndarray:
    """The speech frames within `margin` seconds of a span (all of them when spans is None)."""
    if spans is None:
        return speech
    return speech & spans_to_mask([(a - margin, b + margin) for a, b in spans], len(speech))


def close_gaps(mask: np.ndarray, width: int) -> np.ndarray:
    """The mask with gaps of at most `width` frames between True runs filled."""
    out = mask.copy()
    runs = mask_to_runs(mask)
    for (_, end), (start, _) in zip(runs, runs[1:]):
        if start - end <= width:
            out[end:start] = True
    return out


def spans_to_mask(spans: Sequence[tuple[float, float]], n_frames: int) -> np.ndarray:
    """Frames covered by (start, end) spans in seconds."""
    mask = np.zeros(n_frames, dtype=bool)
    for start, end in spans:
        s = max(0, int(round(float(start) / FRAME)))
        e = min(n_frames, int(round(float(end) / FRAME)))
        if e > s:
            mask[s:e] = True
    return mask


def mask_to_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame indices of each run of True, end exclusive."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(s), int(e)) for s, e in zip(edges[::2], edges[1::2])]


def _webrtcvad():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it imports pkg_resources, which warns of its own removal
            import webrtcvad
    except ImportError as exc:
        raise ModelError(
            f"speech detection needs webrtcvad ({exc}); install it with: pip install resemblyzer 'setuptools<81'"
        ) from None
    return webrtcvad
