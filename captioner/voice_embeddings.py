"""Voice embeddings: resemblyzer's d-vector encoder (weights inside the package), run on the CPU.

One L2-normed 256-dimensional vector per stretch of 16 kHz audio; the same
voice gives nearby vectors (cosine similarity), whatever is said.
"""
from __future__ import annotations

import threading
import warnings
from typing import Sequence

import numpy as np

from .errors import ModelError
from .speech_activity import FRAME_SAMPLES, SAMPLE_RATE

MEL_BLOCK = 60 * SAMPLE_RATE  # samples per block when computing the spectrogram, to bound memory

_encoder = None
_encoder_lock = threading.Lock()


def resemblyzer():
    """The resemblyzer package, imported with its import-time warnings silenced."""
    try:
        with warnings.catch_warnings():
            # webrtcvad imports pkg_resources; resemblyzer imports scipy.ndimage.morphology
            warnings.simplefilter("ignore")
            import resemblyzer as package
    except ImportError as exc:
        raise ModelError(
            f"speaker detection needs resemblyzer ({exc}); install it with: pip install resemblyzer 'setuptools<81'"
        ) from None
    return package


def load_encoder():
    """resemblyzer's voice encoder on the CPU, loaded once per process."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            package = resemblyzer()
            try:
                _encoder = package.VoiceEncoder("cpu", verbose=False)
            except Exception as exc:  # a broken install: missing or unreadable weights
                raise ModelError(f"cannot load resemblyzer's voice encoder ({exc}); reinstall resemblyzer") from None
        return _encoder


def embed_windows(audio: np.ndarray, windows: Sequence[tuple[int, int]], batch: int = 64) -> np.ndarray:
    """One L2-normed embedding per (start, end) window, in 10 ms frames, of 16 kHz mono audio."""
    import torch

    encoder = load_encoder()
    hparams = resemblyzer().hparams
    if not windows:
        return np.zeros((0, hparams.model_embedding_size))
    audio = resemblyzer().audio.normalize_volume(audio, hparams.audio_norm_target_dBFS, increase_only=True)
    mel = mel_frames(audio)
    out = np.zeros((len(windows), hparams.model_embedding_size))
    # Windows of one length go through the LSTM together as a dense batch: most windows
    # share the full length, and a packed batch of mixed lengths runs ten times slower on a CPU.
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(windows):
        by_length.setdefault(end - start, []).append(index)
    with torch.inference_mode():
        for indices in by_length.values():
            for i in range(0, len(indices), batch):
                part = indices[i:i + batch]
                frames = torch.from_numpy(np.stack([mel[windows[k][0]:windows[k][1]] for k in part]))
                _, (hidden, _) = encoder.lstm(frames)
                raw = encoder.relu(encoder.linear(hidden[-1]))
                out[part] = torch.nn.functional.normalize(raw, dim=1).numpy()
    return out


def mel_frames(audio: np.ndarray) -> np.ndarray:
    """The encoder's input: 40-band mel power spectrogram, 25 ms windows every 10 ms, (frames, 40).

    The same numbers as resemblyzer's librosa-based `wav_to_mel_spectrogram`
    (centred frames, zero padding, periodic Hann window), block by block.
    """
    hparams = resemblyzer().hparams
    n_fft = int(SAMPLE_RATE * hparams.mel_window_length / 1000)
    filters = _mel_filters(n_fft, hparams.mel_n_channels)
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
    padded = np.pad(np.asarray(audio, dtype=np.float32), n_fft // 2)
    n = 1 + (len(padded) - n_fft) // FRAME_SAMPLES
    per_block = MEL_BLOCK // FRAME_SAMPLES
    out = np.empty((n, len(filters)), dtype=np.float32)
    for first in range(0, n, per_block):
        count = min(per_block, n - first)
        frames = np.lib.stride_tricks.as_strided(
            padded[first * FRAME_SAMPLES:],
            shape=(count, n_fft),
            strides=(padded.strides[0] * FRAME_SAMPLES, padded.strides[0]),
            writeable=False,
        )
        power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
        out[first:first + count] = power @ filters.T
    return out


_filters: dict[tuple[int, int], np.ndarray] = {}


def _mel_filters(n_fft: int, n_mels: int) -> np.ndarray:
    if (n_fft, n_mels) not in _filters:
        import librosa  # installed with resemblyzer

        _filters[(n_fft, n_mels)] = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=n_fft, n_mels=n_mels)
    return _filters[(n_fft, n_mels)]
