"""Which language a recording is in, judged from several stretches of its speech.

Whisper's own detection listens to the first 30 seconds only, which a welcome
in another language, a musical opening or a noisy first minute can fool. Here
the recording is cut in up to three parts and the model judges a stretch of
speech from the middle of each; their probabilities are averaged. Where the
verdict is unsure and the agenda's or glossary's language is a close second,
that language is taken (a hint, never an override: `--language` forces one).
"""
from __future__ import annotations

import re

import numpy as np

from captioner.media.audio import SAMPLE_RATE

STRETCHES = 3
STRETCH_SECONDS = 60.0  # audio handed to the detector; it keeps the first 30 s of speech in it
UNSURE = 0.5  # below this averaged probability the hint may decide
HINT_RANK = 3  # ... if the hinted language is among the top this many

# A few of each language's commonest words, to read the agenda's language.
_STOPWORDS = {  # words of one language only: "de" and "la" would not tell French from Spanish
    "en": {"the", "and", "of", "to", "in", "on", "for", "with", "an", "by", "from", "at", "is"},
    "fr": {"le", "les", "des", "et", "du", "pour", "sur", "dans", "avec", "une", "au", "aux", "est"},
    "es": {"el", "los", "las", "y", "del", "con", "una", "por", "sobre", "es", "para"},
    "pt": {"os", "e", "do", "da", "dos", "das", "em", "com", "um", "uma", "pelo", "pela"},
    "de": {"der", "die", "das", "und", "von", "zu", "mit", "für", "im", "den", "ein", "eine", "auf"},
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def text_language(text: str) -> str | None:
    """The language whose common words make up most of `text`, if clearly one."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    if len(words) < 8:
        return None
    shares = {lang: sum(w in stop for w in words) / len(words) for lang, stop in _STOPWORDS.items()}
    best = max(shares, key=shares.get)
    runner_up = max(v for lang, v in shares.items() if lang != best)
    return best if shares[best] >= 0.12 and shares[best] >= 1.5 * runner_up else None


def stretches(duration: float) -> list[tuple[float, float]]:
    """(start, end) of the stretches to listen to: the middle of each third, or less audio."""
    count = int(min(STRETCHES, max(1, duration // 40)))
    spans = []
    for index in range(count):
        middle = duration * (2 * index + 1) / (2 * count)
        start = max(0.0, min(middle - STRETCH_SECONDS / 2, duration - STRETCH_SECONDS))
        spans.append((round(start, 3), round(min(duration, start + STRETCH_SECONDS), 3)))
    return spans


def detect(model, audio: np.ndarray, hint: str | None = None) -> dict:
    """{language, probability, decided_by, hint, stretches: [...]} for a multilingual model."""
    duration = len(audio) / SAMPLE_RATE
    heard = []
    totals: dict[str, float] = {}
    for start, end in stretches(duration):
        piece = audio[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)]
        try:
            language, probability, ranking = model.detect_language(audio=piece, vad_filter=True)
        except (ValueError, IndexError):  # no speech in this stretch
            continue
        heard.append({"start": start, "end": end, "language": language, "probability": round(float(probability), 4)})
        for code, p in ranking:
            totals[code] = totals.get(code, 0.0) + float(p)
    if not heard:
        language, probability, ranking = model.detect_language(audio=audio[: 30 * SAMPLE_RATE])
        heard.append({"start": 0.0, "end": min(duration, 30.0), "language": language,
                      "probability": round(float(probability), 4)})
        totals = {code: float(p) for code, p in ranking}
    ranked = sorted(((p / len(heard), code) for code, p in totals.items()), reverse=True)
    probability, language = ranked[0]
    decided_by = "speech"
    if hint and hint != language and probability < UNSURE and hint in [code for _, code in ranked[:HINT_RANK]]:
        probability, language = next((p, code) for p, code in ranked if code == hint)
        decided_by = "hint"
    return {
        "language": language,
        "probability": round(probability, 4),
        "decided_by": decided_by,
        "hint": hint,
        "runners_up": [{"language": code, "probability": round(p, 4)} for p, code in ranked[1:3]],
        "stretches": heard,
    }
