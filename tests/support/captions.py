"""Helpers for the caption tests: timed words from text, and the segmenter's invariants."""
from __future__ import annotations

from captioner.captions.qc import visible
from captioner.captions.rules import Profile
from captioner.model import Cue, Word

WEBINAR_TEXT = (
    "Good morning, and welcome to A View to a Border, a webinar series on cross-border cooperation "
    "and information sharing. My name is Maria Fernandez and I work for the United Nations Office of "
    "Counter-Terrorism. Today we will look at three regions. First, Spain, from the Madrid train "
    "bombings of 2004 to the Barcelona attacks in 2017. Then the Accra Initiative and the operations "
    "Koudanlgou two and three in West Africa. Finally, the UNCCT and INTERPOL project HOTSPOT in the "
    "Western Balkans, which helps border officers check travellers against international databases. "
    "After the presentations we will have an interactive dialogue, and then questions and answers. "
    "Please type your questions in the chat at any time. Thank you."
)


def timed_words(text: str, start: float = 0.0, cps: float = 15.0, sentence_pause: float = 0.4,
                speaker: str | None = None) -> list[Word]:
    """Words spoken back to back at `cps` characters a second, pausing after sentences."""
    words = []
    t = start
    for token in text.split():
        duration = (len(token) + 1) / cps
        words.append(Word(text=token, start=round(t, 3), end=round(t + duration, 3), speaker=speaker))
        t += duration
        if words[-1].ends_sentence:
            t += sentence_pause
    return words


def tokens_of_cues(cues: list[Cue]) -> list[str]:
    return [token for cue in cues for line in cue.lines for token in line.split()]


def tokens_of_words(words: list[Word]) -> list[str]:
    """The tokens captions must show: without direction marks (the subtitle writers add them)."""
    return [token for token in map(visible, (t for w in words for t in w.text.split())) if token]


def cue_word_spans(cues: list[Cue], words: list[Word]) -> list[tuple[int, int]]:
    """For each cue, (index of the word its first token comes from, 1 + index of the word its last
    token comes from), counting only words with text."""
    nonempty = [w for w in words if tokens_of_words([w])]
    owner = [k for k, w in enumerate(nonempty) for _ in tokens_of_words([w])]
    spans = []
    t = 0
    for cue in cues:
        count = sum(len(line.split()) for line in cue.lines)
        spans.append((owner[t], owner[t + count - 1] + 1))
        t += count
    return spans


def on_screen(cue: Cue) -> list[str]:
    """The lines a viewer sees: each after its speaker label or dialogue hyphen (written here
    again rather than taken from captioner.formats.labels)."""
    labels = list(cue.labels) + [""] * (len(cue.lines) - len(cue.labels))
    return [f"{label} {line}" if label else line for label, line in zip(labels, cue.lines)]


def allowed_end(cue: Cue, words: list[Word], profile: Profile) -> float:
    """The latest end a cue of these words may have: linger after its speech, or what min duration
    and the target reading speed need, plus at most one minimal gap when chained to the next cue."""
    speech_end = max(w.end for w in words)  # ASR times may overlap: an earlier word can end last
    chars = profile.reading_chars(on_screen(cue))
    need = max(profile.min_duration, chars / min(profile.target_cps, profile.max_cps))
    return max(speech_end + profile.max_linger, min(cue.start + need, cue.start + profile.max_duration)) + profile.min_gap
