"""Voice embeddings: resemblyzer's d-vector encoder (weights inside the package), run on the CPU.

One L2-normed 256-dimensional vector per stretch of 16 kHz audio; the same
voice gives nearby vectors (cosine similarity), whatever is said.
"""
from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ModelError
from .speech_activity import FRAME_SAMPLES, SAMPLE_RATE

MEL_BLOCK = 60 * SAMPLE_RATE  # samples per block when computing the spectrogram, to bound memory

# resemblyzer's hyper-parameters (resemblyzer/hparams.py), which its weights were trained with
MEL_WINDOW_MS = 25
MEL_CHANNELS = 40
HIDDEN_SIZE = 256
EMBEDDING_SIZE = 256
LAYERS = 3
NORM_TARGET_DBFS = -30

_encoder = None
_encoder_lock = threading.Lock()


def weights_path() -> Path:
    """resemblyzer's pretrained.pt, found without importing the package.

    Importing resemblyzer imports librosa and numba (seconds of start-up per
    process); the encoder itself is a small LSTM we build here.
    """
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("speaker detection needs resemblyzer's voice encoder; "
                         "install it with: pip install resemblyzer 'setuptools<81'")
    path = Path(list(spec.submodule_search_locations)[0]) / "pretrained.pt"
    if not path.exists():
        raise ModelError(f"resemblyzer's voice encoder weights are missing ({path}); reinstall resemblyzer")
    return path


def load_encoder():
    """The voice encoder (LSTM, linear, ReLU) with resemblyzer's weights, loaded once per process."""
    global _encoder
    import torch

    with _encoder_lock:
        if _encoder is None:
            encoder = torch.nn.Module()
            encoder.lstm = torch.nn.LSTM(MEL_CHANNELS, HIDDEN_SIZE, LAYERS, batch_first=True)
            encoder.linear = torch.nn.Linear(HIDDEN_SIZE, EMBEDDING_SIZE)
            encoder.relu = torch.nn.ReLU()
            try:
                state = torch.load(weights_path(), map_location="cpu", weights_only=True)["model_state"]
                encoder.load_state_dict({k: v for k, v in state.items() if k.split(".")[0] in ("lstm", "linear")})
            except (OSError, KeyError, RuntimeError) as exc:
                raise ModelError(f"cannot load resemblyzer's voice encoder ({exc}); reinstall resemblyzer") from None
            _encoder = encoder.eval()
        return _encoder


def normalize_volume(audio: np.ndarray, target_dbfs: float = NORM_TARGET_DBFS) -> np.ndarray:
    """Raise quiet audio to the level the encoder was trained on (never lower it)."""
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0
    if rms <= 0:
        return audio
    change = target_dbfs - 20 * np.log10(rms)
    return audio if change < 0 else audio * (10 ** (change / 20))


def embed_windows(audio: np.ndarray, windows: Sequence[tuple[int, int]], batch: int = 64) -> np.ndarray:
    """One L2-normed embedding per (start, end) window, in 10 ms frames, of 16 kHz mono audio."""
    import torch

    encoder = load_encoder()
    if not windows:
        return np.zeros((0, EMBEDDING_SIZE))
    mel = mel_frames(normalize_volume(audio))
    out = np.zeros((len(windows), EMBEDDING_SIZE))
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
    n_fft = int(SAMPLE_RATE * MEL_WINDOW_MS / 1000)
    filters = mel_filters(n_fft, MEL_CHANNELS)
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


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_part = hz >= 1000.0
    mel[log_part] = 15.0 + np.log(hz[log_part] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_part = mel >= 15.0
    hz[log_part] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log_part] - 15.0))
    return hz


@functools.lru_cache(maxsize=4)
def mel_filters(n_fft: int, n_mels: int) -> np.ndarray:
    """Triangular mel filters with Slaney area normalisation, as librosa.filters.mel makes them."""
    fft_hz = np.fft.rfftfreq(n_fft, 1.0 / SAMPLE_RATE)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([SAMPLE_RATE / 2]))[0],
                                   n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)
