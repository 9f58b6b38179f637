"""Voice embeddings: resemblyzer's d-vector encoder (weights inside the package), run on the CPU.

One L2-normed 256-dimensional vector per stretch of 16 kHz audio; the same
voice gives nearby vectors (cosine similarity), whatever is said.
"""
from __future__ import annotations

import functools
import importlib.util
import threading
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Sequence

import numpy as np

from captioner.errors import ModelError
from captioner.media.speech_activity import FRAME_SAMPLES, SAMPLE_RATE

MEL_BLOCK = 60 * SAMPLE_RATE  # samples per block when computing the spectrogram, to bound memory

# resemblyzer's hyper-parameters (resemblyzer/hparams.py), which its weights were trained with
MEL_WINDOW_MS = 25
MEL_CHANNELS = 40
HIDDEN_SIZE = 256
EMBEDDING_SIZE = 256
LAYERS = 3
NORM_TARGET_DBFS = -30
# The encoder's matrix products run on one thread (threads.fix_blas_threads, for the whole
# process). With two, a thread team that shares the cores with speech recognition (or any
# other process) waits at every LSTM time step: measured on the sample's 211 windows with
# the other core busy, 1.4 s on one thread against 13 s on two.
BATCH_STEPS = 50  # LSTM time steps whose input products are computed at once (bounds memory)

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


class VoiceEncoder:
    """resemblyzer's d-vector network in numpy (float32): a 3-layer LSTM, then linear and ReLU.

    The same numbers as resemblyzer's torch module (to about 1e-6) without
    importing torch, which costs a second and 180 MB per process.
    """

    def __init__(self, state: dict[str, np.ndarray]):
        # PyTorch's gate order is input, forget, cell, output; the three sigmoid gates use
        # sigmoid(x) = (1 + tanh(x / 2)) / 2, so their rows are halved once here and each
        # time step takes a single tanh over all four gates.
        h = HIDDEN_SIZE
        half = np.ones(4 * h, dtype=np.float32)
        half[: 2 * h] = 0.5
        half[3 * h:] = 0.5
        self.layers = []
        for layer in range(LAYERS):
            w_in = np.asarray(state[f"lstm.weight_ih_l{layer}"], dtype=np.float32) * half[:, None]
            w_rec = np.asarray(state[f"lstm.weight_hh_l{layer}"], dtype=np.float32) * half[:, None]
            bias = (np.asarray(state[f"lstm.bias_ih_l{layer}"], dtype=np.float32)
                    + np.asarray(state[f"lstm.bias_hh_l{layer}"], dtype=np.float32)) * half
            self.layers.append((np.ascontiguousarray(w_in.T), np.ascontiguousarray(w_rec.T), bias))
        self.linear = np.ascontiguousarray(np.asarray(state["linear.weight"], dtype=np.float32).T)
        self.linear_bias = np.asarray(state["linear.bias"], dtype=np.float32)

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """(windows, steps, 40) mel frames of one length -> (windows, 256) L2-normed embeddings."""
        h = HIDDEN_SIZE
        sequence = np.asarray(frames, dtype=np.float32)
        count, steps, _ = sequence.shape
        for w_in, w_rec, bias in self.layers:
            hidden = np.zeros((count, h), dtype=np.float32)
            cell = np.zeros((count, h), dtype=np.float32)
            outputs = np.empty((count, steps, h), dtype=np.float32)
            for first in range(0, steps, BATCH_STEPS):
                gates_in = sequence[:, first:first + BATCH_STEPS] @ w_in
                gates_in += bias
                for t in range(gates_in.shape[1]):
                    gates = gates_in[:, t]
                    gates += hidden @ w_rec
                    np.tanh(gates, out=gates)
                    i, f, g, o = gates[:, :h], gates[:, h:2 * h], gates[:, 2 * h:3 * h], gates[:, 3 * h:]
                    f += 1
                    f *= cell
                    i += 1
                    i *= g
                    cell = f + i
                    cell *= 0.5  # (1 + tanh) / 2 of both sigmoid gates
                    o += 1
                    o *= 0.5
                    hidden = np.tanh(cell)
                    hidden *= o
                    outputs[:, first + t] = hidden
            sequence = outputs
        raw = np.maximum(hidden @ self.linear + self.linear_bias, 0)
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norm, 1e-12)


def load_encoder() -> VoiceEncoder:
    """The voice encoder with resemblyzer's weights, loaded once per process."""
    global _encoder
    from captioner.speakers.torch_weights import load_legacy

    with _encoder_lock:
        if _encoder is None:
            try:
                state = load_legacy(weights_path())["model_state"]
                _encoder = VoiceEncoder(state)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ModelError(f"cannot load resemblyzer's voice encoder ({exc}); reinstall resemblyzer") from None
        return _encoder


def volume_gain(audio: np.ndarray, target_dbfs: float = NORM_TARGET_DBFS) -> float:
    """The factor that raises quiet audio to the level the encoder was trained on (never lowers it)."""
    if not len(audio):
        return 1.0
    squares = sum(float(np.sum(np.square(audio[i:i + MEL_BLOCK], dtype=np.float64)))
                  for i in range(0, len(audio), MEL_BLOCK))
    rms = float(np.sqrt(squares / len(audio)))
    if rms <= 0:
        return 1.0
    change = target_dbfs - 20 * np.log10(rms)
    return 1.0 if change < 0 else float(10 ** (change / 20))


def encoder_input(audio: np.ndarray) -> np.ndarray:
    """What `embed_frames` takes: mel frames of the audio at the encoder's volume."""
    return mel_frames(audio, gain=volume_gain(audio))


def embed_frames(mel: np.ndarray, windows: Sequence[tuple[int, int]], batch: int = 64,
                 stop: threading.Event | None = None) -> np.ndarray:
    """One L2-normed embedding per (start, end) window of `encoder_input` frames.

    `stop`, when set, abandons the work between batches (CancelledError).
    """
    encoder = load_encoder()
    out = np.zeros((len(windows), EMBEDDING_SIZE))
    # Windows of one length go through the LSTM together as a dense batch: most windows
    # share the full length, and a packed batch of mixed lengths runs ten times slower on a CPU.
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(windows):
        by_length.setdefault(end - start, []).append(index)
    for indices in by_length.values():
        for i in range(0, len(indices), batch):
            if stop is not None and stop.is_set():
                raise CancelledError
            part = indices[i:i + batch]
            out[part] = encoder(np.stack([mel[windows[k][0]:windows[k][1]] for k in part]))
    return out


def mel_frames(audio: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """The encoder's input: 40-band mel power spectrogram, 25 ms windows every 10 ms, (frames, 40).

    The same numbers as resemblyzer's librosa-based `wav_to_mel_spectrogram`
    (centred frames, zero padding, periodic Hann window) of `audio * gain`,
    block by block so that no copy of the whole recording is made.
    """
    n_fft = int(SAMPLE_RATE * MEL_WINDOW_MS / 1000)
    half = n_fft // 2
    filters = mel_filters(n_fft, MEL_CHANNELS)
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
    n = 1 + (len(audio) + 2 * half - n_fft) // FRAME_SAMPLES
    per_block = MEL_BLOCK // FRAME_SAMPLES
    out = np.empty((n, len(filters)), dtype=np.float32)
    for first in range(0, n, per_block):
        count = min(per_block, n - first)
        # this block's samples, with the zero padding of the centred frames at either end
        lo = first * FRAME_SAMPLES - half
        hi = (first + count - 1) * FRAME_SAMPLES + n_fft - half
        piece = np.asarray(audio[max(lo, 0):min(hi, len(audio))], dtype=np.float32) * np.float32(gain)
        piece = np.pad(piece, (max(0, -lo), max(0, hi - len(audio))))
        frames = np.lib.stride_tricks.as_strided(
            piece,
            shape=(count, n_fft),
            strides=(piece.strides[0] * FRAME_SAMPLES, piece.strides[0]),
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
