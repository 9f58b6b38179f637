"""Who spoke when, as speech regions: where the recording has speech (webrtcvad), each 10 ms
labelled with the speaker of the nearest word (the words' speakers are final by then: named,
renamed, settled sentence by sentence). Written as <stem>.rttm (formats/rttm.py).

Words alone say it less well: Whisper's word times run into the pauses around them, and a run
of one speaker's words spans their pauses. On the corpus tuning set the diarization error rate
(no collar) of the words' speaker runs was 0.142, nearly all of it pauses counted as speech;
of these regions 0.080 with webrtcvad's aggressiveness 2 and 0.066 with 3, the one kept.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from captioner.media.speech_activity import FRAME, mask_to_runs, speech_frames
from captioner.model import Word
from captioner.speakers.diarize import Turn

REGION_VAD_MODE = 3
REACH = 1.0  # seconds: speech further than this from every word is left unlabelled


def speaker_regions(audio: np.ndarray, words: Sequence[Word], turns: Sequence[Turn] = ()) -> list[Turn]:
    """Speech regions of 16 kHz mono `audio`, one speaker each, in time order; each with the voice
    margin of the named `turns` of its speaker that it overlaps (diarize.Turn.margin)."""
    return [_with_margin(region, turns) for region in _regions(audio, words)]


def _with_margin(region: Turn, turns: Sequence[Turn]) -> Turn:
    weights = [(min(region.end, t.end) - max(region.start, t.start), t.margin) for t in turns
               if t.speaker == region.speaker and t.margin is not None and t.end > region.start and t.start < region.end]
    weights = [(w, m) for w, m in weights if w > 0]
    if not weights:
        return region
    margin = sum(w * m for w, m in weights) / sum(w for w, _ in weights)
    return Turn(region.start, region.end, region.speaker, round(margin, 3))


def _regions(audio: np.ndarray, words: Sequence[Word]) -> list[Turn]:
    spoken = [w for w in words if w.speaker]
    if not spoken:
        return []
    starts = np.array([w.start for w in spoken])
    ends = np.array([w.end for w in spoken])
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    speakers = [spoken[i].speaker for i in order]
    regions: list[Turn] = []
    for first, last in mask_to_runs(speech_frames(audio, REGION_VAD_MODE)):
        times = (np.arange(first, last) + 0.5) * FRAME
        after = np.clip(np.searchsorted(starts, times, side="right"), 0, len(starts) - 1)
        before = np.clip(after - 1, 0, len(starts) - 1)
        candidates = np.stack([before, after])
        distance = np.maximum(0.0, np.maximum(starts[candidates] - times, times - ends[candidates]))
        nearest = candidates[np.argmin(distance, axis=0), np.arange(len(times))]
        reachable = distance.min(axis=0) <= REACH
        k = 0
        while k < len(times):
            if not reachable[k]:
                k += 1
                continue
            who = speakers[nearest[k]]
            j = k
            while j < len(times) and reachable[j] and speakers[nearest[j]] == who:
                j += 1
            regions.append(Turn(round((first + k) * FRAME, 3), round((first + j) * FRAME, 3), who))
            k = j
    return regions
