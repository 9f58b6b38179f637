"""Thread counts fixed for a whole process, so that the same inputs give the same bytes.

OpenBLAS (numpy's matrix products: the mel filters of every spectrogram, the voice
encoder's LSTM) splits a product over its threads, and the last bits of the result
depend on how many. A limit set around one block of work changes the count for every
thread of the process while it lasts: when the speaker-evidence thread limited its
encoder to one thread, the main thread's spectrograms were computed with one or two
depending on timing, and of 12 runs of the sample 9 wrote one `en.srt` and 3 another.
Here BLAS gets one thread for the whole process, before any work starts.

CTranslate2's results also change with its thread count (a batch worker decoding
with one thread wrote other cue times than a run with two), so every decoding,
alone or in a batch, uses `decoder_threads`: one count per machine.
"""
from __future__ import annotations

import os

BLAS_THREADS = 1
_blas_limits = None


def fix_blas_threads() -> None:
    """Limit every BLAS library loaded so far to BLAS_THREADS threads, for good (idempotent)."""
    global _blas_limits
    if _blas_limits is None:
        import numpy  # noqa: F401  (its BLAS must be loaded for the limit to reach it)
        from threadpoolctl import threadpool_limits

        _blas_limits = threadpool_limits(limits=BLAS_THREADS, user_api="blas")


def decoder_threads(requested: int = 0) -> int:
    """CTranslate2's intra-op threads: the requested count, else one per CPU core."""
    return requested or os.cpu_count() or 1
