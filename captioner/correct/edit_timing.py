"""Times for the words a producer wrote, from the audio.

An edit's words first share the time of the words they replace (correct.edits). Here the speech
model reads them, with a few words either side, against that stretch of the recording (teacher
forcing, CTranslate2's ``align``, as faster-whisper times its own words and as listening again
scores terms), and each new word takes the time its tokens are heard at. Words recognition left
out and the producer put back get the time they were said, not a sliver between two words whose
times had grown over the gap; the words beside them give up the time they had taken.
"""
from __future__ import annotations

import numpy as np

from captioner.correct.edits import EditedRun
from captioner.correct.listen_again import AcousticScorer
from captioner.model import Word

CONTEXT_WORDS = 3  # words read with the new ones on each side: Whisper times a word better with its neighbours
MARGIN = 0.3  # seconds of audio read before the first of them and after the last
MAX_READ = 28.0  # seconds; Whisper reads at most 30
TOKENS_PER_SECOND = 50  # Whisper's encoder frames per second (faster-whisper's tokens_per_second)
MIN_WORD = 0.02  # seconds: a neighbour is never left shorter than this


def time_edited_words(words: list[Word], edited: list[EditedRun], scorer: AcousticScorer) -> int:
    """Give each run of edited words (objects in `words`, in place) the times the model hears them
    at. Words that replace others keep the span of those (recognition timed its edges better than
    a second reading does: on the corpus tuning set the first word's start was 0.07 s from the truth
    at the median, against 0.11 s read again) and share it as the model hears them; inserted words
    take the time the model hears them at, and a neighbour that had grown over them is trimmed.
    How many runs were timed; a run the model cannot read (too long, no frames) keeps its shared time."""
    position = {id(w): k for k, w in enumerate(words)}
    timed = 0
    for run in edited:
        indexes = [position[id(w)] for w in run.words if id(w) in position]
        if not indexes:
            continue
        first, last = min(indexes), max(indexes)
        low, high = max(0, first - CONTEXT_WORDS), min(len(words), last + 1 + CONTEXT_WORDS)
        read = words[low:high]
        start = max(0.0, read[0].start - MARGIN)
        end = read[-1].end + MARGIN
        if end - start > MAX_READ or end - start < 0.2:
            continue
        times = aligned_times(scorer, start, end, [w.text for w in read])
        if times is None:
            continue
        heard = [(start + a, start + b) for a, b in times[first - low:last + 1 - low]]
        if run.replaced is not None:
            heard = _within(heard, *run.replaced)
        _place(words, first, last, heard)
        timed += 1
    return timed


def aligned_times(scorer: AcousticScorer, start: float, end: float, texts: list[str]) -> list[tuple[float, float]] | None:
    """Each text's (start, end) in seconds from `start`, as the model aligns them to the audio
    from `start` to `end`; None when it cannot."""
    import ctranslate2

    features = scorer.features(start, end)
    frames = features.shape[-1]
    if frames < 4:
        return None
    encoded = scorer.model.model.encode(ctranslate2.StorageView.from_array(features), to_cpu=True)
    per_word = [scorer.tokenizer.encode(" " + t.strip()) for t in texts]
    if any(not tokens for tokens in per_word):
        return None
    flat = [t for tokens in per_word for t in tokens]
    result = scorer.model.model.align(encoded, list(scorer.tokenizer.sot_sequence), [flat], [frames],
                                      median_filter_width=7)[0]
    if not result.alignments:
        return None
    text_indices = np.array([pair[0] for pair in result.alignments])
    time_indices = np.array([pair[1] for pair in result.alignments])
    jumps = np.pad(np.diff(text_indices), (1, 0), constant_values=1).astype(bool)
    jump_times = time_indices[jumps] / TOKENS_PER_SECOND
    bounds = np.concatenate([[0], np.cumsum([len(tokens) for tokens in per_word])])
    if len(jump_times) <= bounds[-1]:
        return None
    return [(float(jump_times[a]), float(max(jump_times[b], jump_times[a]))) for a, b in zip(bounds[:-1], bounds[1:])]


def _within(times: list[tuple[float, float]], start: float, end: float) -> list[tuple[float, float]]:
    """The times scaled from where the model heard the words onto [start, end]."""
    low, high = times[0][0], times[-1][1]
    if high - low < 0.01:
        return [(start + (end - start) * k / len(times), start + (end - start) * (k + 1) / len(times))
                for k in range(len(times))]
    scale = (end - start) / (high - low)
    return [(start + (a - low) * scale, start + (b - low) * scale) for a, b in times]


def _place(words: list[Word], first: int, last: int, times: list[tuple[float, float]]) -> None:
    """Words first..last take `times`, kept in order and clear of the words beside them: a
    neighbour that had grown over them is trimmed, one they would overlap whole is not."""
    low = words[first - 1].start + MIN_WORD if first > 0 else 0.0
    high = words[last + 1].end - MIN_WORD if last + 1 < len(words) else float("inf")
    previous = low
    for word, (a, b) in zip(words[first:last + 1], times):
        a = min(max(a, previous), high)
        b = min(max(b, a), high)
        word.start, word.end = round(a, 3), round(b, 3)
        previous = b
    if first > 0 and words[first - 1].end > words[first].start:
        words[first - 1].end = words[first].start
    if last + 1 < len(words) and words[last + 1].start < words[last].end:
        words[last + 1].start = words[last].end
