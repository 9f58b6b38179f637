"""faster-whisper's words as the transcript's: pieces joined into words, times as Python floats."""
from __future__ import annotations

from captioner.model import Word


def join_word_pieces(raw_words) -> list[Word]:
    """Whisper words start with a space; one that does not ("-border", ".A") continues
    the word before it, so "cross" + "-border" is the single word "cross-border". Times become
    Python floats: faster-whisper gives numpy.float64, and numpy rounds halves unlike Python, so a
    time computed from one would differ by a millisecond from the same time read back from JSON."""
    words: list[Word] = []
    for w in raw_words:
        text = w.word.strip()
        if not text:
            continue
        if words and not w.word[:1].isspace():
            last = words[-1]
            last.text += text
            last.end = round(float(w.end), 3)
            last.probability = min(last.probability, round(float(w.probability), 4))
        else:
            words.append(Word(text=text, start=round(float(w.start), 3), end=round(float(w.end), 3),
                              probability=round(float(w.probability), 4)))
    return words
