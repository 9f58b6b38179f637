"""Who speaks when: speaker turns from the audio (diarization).

Mono recordings: voice embeddings (resemblyzer's d-vector encoder, whose
weights ship inside the package) over short windows of the speech, clustered
by agglomerative clustering on cosine distance (number of speakers unknown,
optionally bounded), refined against the cluster centroids, then smoothed so
that a blip shorter than `min_turn` (a cough, a "mm") never becomes a turn.

Stereo recordings with one speaker per channel: each channel's own speech,
less what leaks in from the other microphone. `detect()` picks that mode when
the two channels differ strongly in loudness.

Labels are "S1", "S2", ... in order of first appearance; names come later
(`captioner.speakers.names`).

The work on the audio alone (speech frames, embeddings) is `VoiceEvidence`,
which a run gathers on its own thread while speech recognition runs
(`EvidenceThread`); the transcript's spans then only select from it.
"""
from __future__ import annotations

import os
import sys
import threading
import weakref
from bisect import bisect_left, bisect_right
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from captioner.errors import CaptionerError, MediaError
from captioner.media.channels import decode_channels
from captioner.media.speech_activity import (
    FRAME,
    FRAME_SAMPLES,
    MIN_SPEECH,
    SAMPLE_RATE,
    frame_db,
    mask_to_runs,
    near_spans,
    speech_frames,
)
from captioner.model import Word
from captioner.speakers.embeddings import EMBEDDING_SIZE, embed_frames, encoder_input

Span = tuple[float, float]


@dataclass
class Turn:
    start: float
    end: float
    speaker: str | None  # "S1", "S2", ... before naming; a name after (None: not labelled)
    margin: float | None = None  # how much more the turn's voice resembles its speaker than any other
    # (cosine similarity to the speaker's centroid minus the next one's, averaged over its speech);
    # None where it is not measured (one voice, stereo channels)

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class SpeakerOptions:
    window: float = 1.5  # seconds of speech per embedding
    hop: float = 0.75
    min_window: float = 0.4  # speech islands shorter than this get no embedding of their own
    unit: float = 4.0  # seconds: speech is pooled into pieces this long at most before clustering
    threshold: float = 0.13  # cosine distance at which two clusters stay apart (average linkage)
    min_speaker: float = 6.0  # seconds of speech a cluster needs to count as a speaker (3 s split jfk.flac in two)
    min_turn: float = 1.0  # seconds: a shorter run of one voice joins its neighbours
    bridge: float = 0.3  # join speech of one speaker across pauses shorter than this (seconds)
    refine: int = 3  # centroid refinement passes after clustering


LEAK_DB = 6.0  # a channel this much quieter than the other ...
LEAK_CORRELATION = 0.6  # ... whose loudness follows the other's is leakage, not a speaker
LEAK_WINDOW = 0.5  # seconds over which loudness is compared
LEAK_LAG = 5  # frames (50 ms) of delay between the microphones allowed for
STEREO_APART_DB = 15.0  # channels this far apart in loudness ...
STEREO_APART_SHARE = 0.2  # ... for this share of the sound carry different voices
# Silence inside a sentence at which its speaker may change (settle_sentences; 0 keeps every
# word's own turn), and the share of a sentence's speech its main speaker needs before the
# sentence is settled. Chosen on the corpus tuning set (bench/sentence_speakers.py, base): of
# pauses 0 / 0.5 / 2 s with shares 0.5-0.8, 0.5 s and 0.6 put the most sentences wholly under the
# right name (414 -> 415 of 430) with the lower DER of the two best; on the test set: 447 -> 450
# of 484 wholly right, label changes inside a sentence one person said 6 -> 1, sentences right
# by majority 452 -> 451, DER 0.137 -> 0.139 (no collar).
SENTENCE_SPLIT_PAUSE = 0.5
SENTENCE_MAJORITY = 0.6
SPAN_MARGIN = 1.0  # seconds around the transcript's speech spans where detected speech is kept
# Niceness of the thread that gathers speaker evidence beside recognition: the lowest, so that it
# only takes CPU that recognition leaves idle (with 0, recognition's two threads slowed down).
EVIDENCE_NICE = 19


# --- public API --------------------------------------------------------------

def detect(
    source: str | Path | np.ndarray | tuple[np.ndarray, np.ndarray] | VoiceEvidence,
    sample_rate: int = SAMPLE_RATE,
    speech_spans: Sequence[Span] | None = None,
    max_speakers: int | None = None,
    min_speakers: int = 1,
    options: SpeakerOptions | None = None,
) -> list[Turn]:
    """Speaker turns of a media file, a mono array, a (left, right) pair, or their `VoiceEvidence`.

    Stereo input whose channels carry different voices is split by channel;
    anything else is mixed to mono and clustered by voice.
    """
    _check_bounds(max_speakers, min_speakers)
    evidence = source if isinstance(source, VoiceEvidence) else gather_evidence(
        source, sample_rate, speech_spans, options)
    return evidence.turns(speech_spans, max_speakers, min_speakers, options)


def detect_turns(
    audio: np.ndarray,
    sample_rate: int,
    speech_spans: Sequence[Span] | None = None,
    max_speakers: int | None = None,
    min_speakers: int = 1,
    options: SpeakerOptions | None = None,
) -> list[Turn]:
    """Speaker turns of mono audio by voice embeddings and clustering.

    A voice-activity detector finds the speech; `speech_spans` (seconds, e.g.
    the transcript's words) keep only what lies within SPAN_MARGIN of them, so
    music or noise the transcript skipped is never taken for a voice.
    `max_speakers` bounds the number of speakers (e.g. the agenda's count).
    """
    _check_bounds(max_speakers, min_speakers)
    evidence = mono_evidence(_as_mono_16k(audio, sample_rate), speech_spans, options)
    return evidence.turns(speech_spans, max_speakers, min_speakers, options)


def detect_turns_stereo(
    left: np.ndarray,
    right: np.ndarray,
    sample_rate: int,
    speech_spans: Sequence[Span] | None = None,
    options: SpeakerOptions | None = None,
) -> list[Turn]:
    """Turns of a two-channel recording with one speaker per channel.

    A channel speaks where its own voice-activity detector hears speech, except
    where it is only the other channel's voice leaking in: much quieter than
    the other channel and rising and falling with it.
    Both may speak at once: turns may overlap.
    """
    return stereo_evidence(left, right, sample_rate).turns(speech_spans, options=options)


# --- what the audio says before the transcript is known ------------------------

@dataclass
class VoiceEvidence:
    """What speaker detection takes from the audio alone, so that it can be gathered while
    speech recognition runs (`EvidenceThread`); the audio itself is not kept.

    Mono: the detector's speech frames, the encoder's input frames, and the
    embeddings of the windows over that speech (the transcript's spans mostly
    keep those windows as they are; others are embedded when asked for).
    Stereo with a voice per channel: each channel's speech frames and loudness.
    """
    speech: list[np.ndarray]  # per channel (one for mono): speech frames from the voice-activity detector
    loudness: list[np.ndarray] | None = None  # stereo: dB per frame of each channel
    mel: np.ndarray | None = None  # mono: `encoder_input` frames (None when there is no speech)
    embeddings: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # mono: per window

    @property
    def stereo(self) -> bool:
        return len(self.speech) == 2

    def turns(self, speech_spans: Sequence[Span] | None = None, max_speakers: int | None = None,
              min_speakers: int = 1, options: SpeakerOptions | None = None) -> list[Turn]:
        opts = options or SpeakerOptions()
        _check_bounds(max_speakers, min_speakers)
        if self.stereo:
            return self._stereo_turns(speech_spans, opts)
        speech = near_spans(self.speech[0], speech_spans, SPAN_MARGIN)
        regions = mask_to_runs(speech)
        if not regions:
            return []
        windows = _windows(regions, opts)
        if not windows:
            # too little speech to tell voices apart: one speaker
            return _runs_to_turns([(s, e, 0) for s, e in regions], opts)
        embeddings = self.embed(windows)
        labels = cluster(embeddings, windows, regions, opts, max_speakers, min_speakers)
        frame_labels, scores = _frame_labels(embeddings, labels, windows, speech)
        runs = _smooth(_labelled_runs(frame_labels, regions), opts.min_turn)
        return _with_margins(_runs_to_turns(runs, opts), runs, scores)

    def embed(self, windows: Sequence[tuple[int, int]], stop: threading.Event | None = None) -> np.ndarray:
        """Embeddings of the windows, (len(windows), 256); those not yet known are computed and kept."""
        if not windows:
            return np.zeros((0, EMBEDDING_SIZE))
        missing = [w for w in dict.fromkeys(windows) if w not in self.embeddings]
        if missing:
            self.embeddings.update(zip(missing, embed_frames(self.mel, missing, stop=stop)))
        return np.stack([self.embeddings[w] for w in windows])

    def _stereo_turns(self, speech_spans: Sequence[Span] | None, opts: SpeakerOptions) -> list[Turn]:
        energy = self.loudness
        width = int(LEAK_WINDOW / FRAME)
        # the other microphone hears a voice a few milliseconds late: allow for the delay
        follows = np.max([_local_correlation(energy[0], np.roll(energy[1], lag), width)
                          for lag in range(-LEAK_LAG, LEAK_LAG + 1)], axis=0)
        turns: list[Turn] = []
        for channel in (0, 1):
            own, other = energy[channel], energy[1 - channel]
            leak = (own < other - LEAK_DB) & (follows > LEAK_CORRELATION)
            speech = near_spans(self.speech[channel], speech_spans, SPAN_MARGIN) & ~leak
            runs = [(s, e, channel) for s, e in mask_to_runs(speech) if (e - s) * FRAME >= MIN_SPEECH]
            turns.extend(_runs_to_turns(runs, opts, relabel=False))
        return _relabel_by_first_appearance(sorted(turns, key=lambda t: (t.start, t.end)))


def gather_evidence(
    source: str | Path | np.ndarray | tuple[np.ndarray, np.ndarray],
    sample_rate: int = SAMPLE_RATE,
    speech_spans: Sequence[Span] | None = None,
    options: SpeakerOptions | None = None,
    stop: threading.Event | None = None,
) -> VoiceEvidence:
    """The `VoiceEvidence` of a media file, a mono array or a (left, right) pair.

    With `speech_spans`, only windows near them are embedded (no work for the
    rest); without, every window of detected speech is (the spans come later).
    """
    decoded = isinstance(source, (str, Path))
    if decoded:
        source = decode_channels(Path(source))
        sample_rate = SAMPLE_RATE
        _check_stop(stop)
    if isinstance(source, tuple):
        left, right = (np.asarray(c, dtype=np.float32) for c in source)
        if right is left:  # one array for equal channels (decode_channels): it is their mix
            source = left
        elif channels_carry_different_voices(left, right, sample_rate):
            return stereo_evidence(left, right, sample_rate)
        else:
            if decoded:  # our own arrays: mix in place, no third copy of a long recording
                left += right
                source = left
            else:
                source = left + right
            source /= 2
        del left, right
    evidence, windows = _frames_of(_as_mono_16k(source, sample_rate), speech_spans, options, stop)
    del source  # the embeddings, the longest part, need only the frames: let a long recording's audio go
    evidence.embed(windows, stop)
    return evidence


def mono_evidence(audio: np.ndarray, speech_spans: Sequence[Span] | None = None,
                  options: SpeakerOptions | None = None, stop: threading.Event | None = None) -> VoiceEvidence:
    """Speech frames, encoder input and window embeddings of 16 kHz mono audio."""
    evidence, windows = _frames_of(audio, speech_spans, options, stop)
    evidence.embed(windows, stop)
    return evidence


def _frames_of(audio: np.ndarray, speech_spans: Sequence[Span] | None, options: SpeakerOptions | None,
               stop: threading.Event | None) -> tuple[VoiceEvidence, list[tuple[int, int]]]:
    """Evidence without embeddings yet, and the windows to embed."""
    speech = speech_frames(audio)
    evidence = VoiceEvidence(speech=[speech])
    regions = mask_to_runs(near_spans(speech, speech_spans, SPAN_MARGIN))
    if regions:
        _check_stop(stop)
        evidence.mel = encoder_input(audio)
    return evidence, _windows(regions, options or SpeakerOptions())


def stereo_evidence(left: np.ndarray, right: np.ndarray, sample_rate: int = SAMPLE_RATE) -> VoiceEvidence:
    """Each channel's speech frames and loudness, over the frames both channels have."""
    left = _as_mono_16k(left, sample_rate)
    right = _as_mono_16k(right, sample_rate)
    n = min(len(left), len(right)) // FRAME_SAMPLES
    left, right = left[: n * FRAME_SAMPLES], right[: n * FRAME_SAMPLES]
    return VoiceEvidence(speech=[speech_frames(left), speech_frames(right)], loudness=[frame_db(left), frame_db(right)])


class EvidenceThread:
    """`gather_evidence` of a media file on a thread of its own, started before speech recognition.

    Recognition (CTranslate2 on tiny.en) keeps about one of the two cores busy,
    so the voice work beside it, at the lowest priority, costs little wall
    time. `result()` waits for it; `cancel()` abandons it (also done when the
    object is dropped unused).
    """

    def __init__(self, path: str | Path, options: SpeakerOptions | None = None):
        self._stop = threading.Event()
        self._outcome: dict = {}
        self._thread = threading.Thread(target=_gather_into, name="speaker-evidence", daemon=True,
                                        args=(self._outcome, Path(path), options, self._stop))
        self._thread.start()
        weakref.finalize(self, self._stop.set)

    def result(self) -> VoiceEvidence:
        self._thread.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["evidence"]

    def cancel(self) -> None:
        self._stop.set()
        self._thread.join()


def _gather_into(outcome: dict, path: Path, options: SpeakerOptions | None, stop: threading.Event) -> None:
    _lower_priority()
    try:
        outcome["evidence"] = gather_evidence(path, options=options, stop=stop)
    except CancelledError:
        pass
    except BaseException as exc:  # raised again by result(), in the caller's thread
        outcome["error"] = exc


def _lower_priority() -> None:
    """Give this thread a low CPU priority, so that recognition, which the run waits for,
    never waits for it when the cores are busy (Linux nices each thread on its own)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), EVIDENCE_NICE)
    except (AttributeError, OSError):
        pass


def _check_stop(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise CancelledError


def _local_correlation(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    """Pearson correlation of two envelopes over a sliding window of `width` frames."""
    kernel = np.ones(width) / width

    def mean(x: np.ndarray) -> np.ndarray:
        return np.convolve(x, kernel, mode="same")

    ma, mb = mean(a), mean(b)
    cov = mean(a * b) - ma * mb
    var = np.maximum(mean(a * a) - ma**2, 1e-9) * np.maximum(mean(b * b) - mb**2, 1e-9)
    return cov / np.sqrt(var)


def channels_carry_different_voices(left: np.ndarray, right: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bool:
    """True when one channel is loud while the other is quiet for much of the speech.

    A mono recording stored as stereo has equal channels; a stereo room
    recording differs by a few dB; one speaker per channel differs by tens of dB.
    """
    left = _as_mono_16k(left, sample_rate)
    right = _as_mono_16k(right, sample_rate)
    n = min(len(left), len(right)) // FRAME_SAMPLES
    if n == 0:
        return False
    a, b = frame_db(left)[:n], frame_db(right)[:n]
    loud = np.maximum(a, b)
    active = loud > max(np.percentile(loud, 95) - 30.0, -70.0)
    if active.sum() < 10:
        return False
    apart = np.abs(a - b)[active] > STEREO_APART_DB
    return bool(apart.mean() > STEREO_APART_SHARE)


def assign_words(words: Sequence[Word], turns: Sequence[Turn]) -> None:
    """Set each word's speaker to the turn it overlaps most, or else the nearest turn."""
    if not turns:
        return
    ordered = sorted(turns, key=lambda t: (t.start, t.end))
    starts = [t.start for t in ordered]
    longest = max(t.duration for t in ordered)
    for word in words:
        # every turn that can reach the word starts in [word.start - longest, word.end];
        # one more on each side, for the nearest when none overlaps
        first = bisect_left(starts, word.start - longest)
        last = bisect_right(starts, word.end)
        candidates = ordered[max(0, first - 1): last + 1]
        word.speaker = max(candidates, key=lambda t: _overlap(word, t)).speaker  # negative overlap: -distance


def settle_sentences(words: Sequence[Word], split_pause: float | None = None) -> int:
    """One speaker per sentence: a voice changes between sentences, almost never inside one, and a
    label that changes mid-sentence is wrong at least once. Inside a sentence the speaker may change
    only at a pause of `split_pause` seconds or more (an interruption, a hand-over without a full
    stop). Each piece takes the speaker with most of its speech. Returns how many words changed."""
    split_pause = SENTENCE_SPLIT_PAUSE if split_pause is None else split_pause
    changed, piece = 0, []
    for index, word in enumerate(words):
        piece.append(word)
        following = words[index + 1] if index + 1 < len(words) else None
        if following is None or word.ends_sentence or following.start - word.end >= split_pause:
            changed += _one_speaker(piece)
            piece = []
    return changed


def _one_speaker(piece: list[Word]) -> int:
    spoken: dict[str, float] = {}
    for word in piece:
        if word.speaker is not None:
            spoken[word.speaker] = spoken.get(word.speaker, 0.0) + max(word.end - word.start, 0.01)
    if len(spoken) < 2:
        return 0
    chosen = max(spoken, key=lambda s: (spoken[s], -next(i for i, w in enumerate(piece) if w.speaker == s)))
    if spoken[chosen] < SENTENCE_MAJORITY * sum(spoken.values()):
        return 0  # voices share it: more likely two sentences recognition ran together than one misheard voice
    changed = sum(1 for word in piece if word.speaker != chosen)
    for word in piece:
        word.speaker = chosen
    return changed


def _overlap(word: Word, turn: Turn) -> float:
    return min(word.end, turn.end) - max(word.start, turn.start)


# --- windows and clustering ---------------------------------------------------

def _windows(regions: list[tuple[int, int]], opts: SpeakerOptions) -> list[tuple[int, int]]:
    width, hop, least = (int(round(x / FRAME)) for x in (opts.window, opts.hop, opts.min_window))
    windows = []
    for s, e in regions:
        if e - s < least:
            continue
        if e - s <= width:
            windows.append((s, e))
            continue
        starts = list(range(s, e - width + 1, hop))
        if starts[-1] + width < e:
            starts.append(e - width)
        windows.extend((a, a + width) for a in starts)
    return windows


def cluster(
    embeddings: np.ndarray,
    windows: Sequence[tuple[int, int]],
    regions: Sequence[tuple[int, int]],
    opts: SpeakerOptions,
    max_speakers: int | None = None,
    min_speakers: int = 1,
) -> np.ndarray:
    """A speaker index (0, 1, ...) per window.

    Windows are pooled into units (a speech region, cut into pieces of at most
    `opts.unit` seconds), whose mean embeddings are clustered by average-linkage
    agglomeration on cosine distance. A cluster with less than
    `opts.min_speaker` seconds of speech does not count as a speaker: the cut is
    moved until the speakers that count are within the bounds, the small
    clusters are dissolved into the nearest speaker, and every window is then
    reassigned to the nearest speaker centroid a few times over.
    """
    from scipy.cluster.hierarchy import linkage

    units, seconds = _units(windows, regions, opts.unit)
    pooled = np.stack([embeddings[u].mean(axis=0) for u in units])
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    if len(units) == 1:
        unit_labels = np.zeros(1, dtype=int)
    else:
        tree = linkage(pooled, method="average", metric="cosine")
        unit_labels = _cut(tree, opts.threshold, seconds, opts.min_speaker, max_speakers, min_speakers)
    labels = np.empty(len(embeddings), dtype=int)
    for unit, label in zip(units, unit_labels):
        labels[unit] = label
    speech = np.bincount(unit_labels, weights=seconds)
    keep = [k for k in np.argsort(-speech) if speech[k] >= opts.min_speaker]
    keep = keep or [int(np.argmax(speech))]
    if len(keep) < min_speakers:
        keep = list(np.argsort(-speech)[:min_speakers])
    keep = keep[:max_speakers] if max_speakers is not None else keep
    for _ in range(max(1, opts.refine)):
        centroids = _centroids(embeddings, labels, keep)
        new = np.array(keep)[np.argmax(embeddings @ centroids.T, axis=1)]
        if np.array_equal(new, labels):
            break
        labels = new
        keep = [k for k in keep if np.any(labels == k)]
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def _units(
    windows: Sequence[tuple[int, int]], regions: Sequence[tuple[int, int]], longest: float
) -> tuple[list[np.ndarray], np.ndarray]:
    """Window indices pooled per piece of speech region, and each piece's seconds of speech."""
    centres = np.array([(s + e) / 2 for s, e in windows])
    units, seconds = [], []
    for s, e in regions:
        inside = np.flatnonzero((centres >= s) & (centres < e))
        if len(inside) == 0:
            continue
        pieces = max(1, int(np.ceil((e - s) * FRAME / longest)))
        for part in np.array_split(inside, pieces):
            if len(part):
                units.append(part)
                seconds.append((e - s) * FRAME * len(part) / len(inside))
    return units, np.array(seconds)


def _cut(tree, threshold: float, seconds: np.ndarray, min_speaker: float,
         max_speakers: int | None, min_speakers: int) -> np.ndarray:
    """Unit labels from the tree cut at `threshold`, moved until the clusters with at
    least `min_speaker` seconds number between min_speakers and max_speakers."""
    from scipy.cluster.hierarchy import fcluster

    def speakers(labels: np.ndarray) -> int:
        return int(np.sum(np.bincount(labels, weights=seconds) >= min_speaker))

    labels = fcluster(tree, t=threshold, criterion="distance") - 1
    count = labels.max() + 1
    if max_speakers is not None and speakers(labels) > max_speakers:
        for k in range(count - 1, 0, -1):
            labels = fcluster(tree, t=k, criterion="maxclust") - 1
            if speakers(labels) <= max_speakers:
                break
    elif speakers(labels) < min_speakers:
        for k in range(count + 1, len(seconds) + 1):
            labels = fcluster(tree, t=k, criterion="maxclust") - 1
            if speakers(labels) >= min_speakers:
                break
    return labels


def _centroids(embeddings: np.ndarray, labels: np.ndarray, keep: Sequence[int]) -> np.ndarray:
    cents = np.stack([embeddings[labels == k].mean(axis=0) for k in keep])
    return cents / np.linalg.norm(cents, axis=1, keepdims=True)


def _frame_labels(
    embeddings: np.ndarray, labels: np.ndarray, windows: Sequence[tuple[int, int]], speech: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: the speaker whose centroid the windows covering it resemble most (-1: none), and
    the mean similarity of those windows to each speaker's centroid (frames, speakers)."""
    k = labels.max() + 1
    centroids = _centroids(embeddings, labels, range(k))
    similarity = embeddings @ centroids.T
    n = len(speech)
    score = np.zeros((n, k), dtype=np.float32)
    count = np.zeros(n, dtype=np.int32)
    for (s, e), sims in zip(windows, similarity):
        score[s:e] += sims
        count[s:e] += 1
    covered = count > 0
    out = np.where(covered, np.argmax(score, axis=1), -1)
    out[~speech] = -1
    return out, score / np.maximum(count, 1)[:, None]


def _with_margins(turns: list[Turn], runs, scores: np.ndarray) -> list[Turn]:
    """Each turn's margin: over its covered frames, its speaker's mean similarity minus the best
    other speaker's (negative where smoothing gave a short stretch to a neighbour's voice)."""
    if scores.shape[1] < 2:
        return turns
    labels = np.full(len(scores), -1)
    for s, e, label in runs:
        labels[s:e] = label
    out = []
    for turn in turns:
        s, e = int(round(turn.start / FRAME)), int(round(turn.end / FRAME))
        frames = np.arange(s, min(e, len(scores)))
        frames = frames[(labels[frames] >= 0) & (scores[frames].sum(axis=1) != 0)]
        if len(frames) == 0:
            out.append(turn)
            continue
        own = scores[frames, labels[frames]]
        others = scores[frames].copy()
        others[np.arange(len(frames)), labels[frames]] = -np.inf
        margin = float(np.mean(own - others.max(axis=1)))
        out.append(Turn(turn.start, turn.end, turn.speaker, round(margin, 3)))
    return out


def _labelled_runs(frame_labels: np.ndarray, regions: list[tuple[int, int]]) -> list[list[int]]:
    """[start, end, label] runs over the speech regions; frames with no window take their neighbours' label."""
    runs: list[list[int]] = []
    for s, e in regions:
        seg = frame_labels[s:e]
        start = s
        for i in range(1, e - s + 1):
            if i == e - s or seg[i] != seg[i - 1]:
                runs.append([start, s + i, int(seg[i - 1])])
                start = s + i
    # unlabelled runs (short islands): nearest labelled run in time
    labelled = [r for r in runs if r[2] >= 0]
    if not labelled:
        return [[r[0], r[1], 0] for r in runs]
    for r in runs:
        if r[2] < 0:
            nearest = min(labelled, key=lambda q: max(q[0] - r[1], r[0] - q[1], 0))
            r[2] = nearest[2]
    return runs


def _smooth(runs: list[list[int]], min_turn: float) -> list[tuple[int, int, int]]:
    """Relabel every stretch of one voice with less than `min_turn` s of speech as a neighbour."""
    runs = [list(r) for r in runs]
    least = min_turn / FRAME
    while True:
        groups = _groups(runs)
        if len(groups) <= 1:
            break
        short = [g for g in groups if g[2] < least]
        if not short:
            break
        first, last, _ = min(short, key=lambda g: g[2])
        before = runs[first - 1][2] if first > 0 else None
        after = runs[last + 1][2] if last + 1 < len(runs) else None
        if before is not None and after is not None:
            # join the side with more speech next to it
            size_before = next(g[2] for g in groups if g[1] == first - 1)
            size_after = next(g[2] for g in groups if g[0] == last + 1)
            label = before if size_before >= size_after else after
        else:
            label = before if before is not None else after
        for r in runs[first:last + 1]:
            r[2] = label
    return [tuple(r) for r in runs]


def _groups(runs: list[list[int]]) -> list[tuple[int, int, float]]:
    """(first run, last run, speech frames) of each stretch of consecutive runs with one label."""
    groups = []
    start = 0
    for i in range(1, len(runs) + 1):
        if i == len(runs) or runs[i][2] != runs[i - 1][2]:
            groups.append((start, i - 1, float(sum(r[1] - r[0] for r in runs[start:i]))))
            start = i
    return groups


def _runs_to_turns(runs, opts: SpeakerOptions, relabel: bool = True) -> list[Turn]:
    bridge = opts.bridge / FRAME
    merged: list[list[int]] = []
    for s, e, label in sorted(runs):
        if merged and merged[-1][2] == label and s - merged[-1][1] <= bridge:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e, label])
    turns = [Turn(round(s * FRAME, 3), round(e * FRAME, 3), f"S{label + 1}") for s, e, label in merged]
    return _relabel_by_first_appearance(turns) if relabel else turns


def _relabel_by_first_appearance(turns: list[Turn]) -> list[Turn]:
    names: dict[str, str] = {}
    for t in turns:
        names.setdefault(t.speaker, f"S{len(names) + 1}")
    return [Turn(t.start, t.end, names[t.speaker], t.margin) for t in turns]


# --- input checks ------------------------------------------------------------

def _check_bounds(max_speakers: int | None, min_speakers: int) -> None:
    if min_speakers < 1:
        raise CaptionerError(f"min_speakers must be at least 1, not {min_speakers}")
    if max_speakers is not None and max_speakers < min_speakers:
        raise CaptionerError(
            f"max_speakers ({max_speakers}) is less than min_speakers ({min_speakers}); give a larger maximum"
        )


def _as_mono_16k(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise MediaError(f"expected mono audio samples, got an array of shape {audio.shape}")
    if sample_rate != SAMPLE_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(int(sample_rate), SAMPLE_RATE)
        audio = resample_poly(audio, SAMPLE_RATE // g, int(sample_rate) // g).astype(np.float32)
    return audio
