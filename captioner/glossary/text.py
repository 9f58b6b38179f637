"""Text helpers shared by matching, review and recognition biasing: folding, tokens, acronyms,
how a form sounds and how common an English word is."""
from __future__ import annotations

import functools
import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """Lower case without accents: 'Petrović' -> 'petrovic'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def compact(text: str) -> str:
    """Letters and digits only, folded: 'U.N.C.C.T.' and 'UN CCT' -> 'uncct'."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def tokens(text: str) -> list[str]:
    """Folded words, split at spaces, hyphens, slashes and apostrophes."""
    return re.findall(r"[^\W_]+", fold(text))


_ACRONYM_RE = re.compile(r"[A-Z0-9]+(?:[-/&.][A-Z0-9]+)*\.?")


def is_acronym(text: str) -> bool:
    """Written in capitals (and digits) as one word: UNCCT, I-24/7, G5, 11-M, INTERPOL."""
    return bool(_ACRONYM_RE.fullmatch(text)) and any(c.isalpha() for c in text) and len(compact(text)) >= 2


@functools.lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common an English word is (wordfreq's Zipf scale: 7 'the', 4 'initiative', 0 unknown)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def is_common_word(word: str, threshold: float = 4.0) -> bool:
    """An ordinary English word (or a number), which correction must not touch on weak evidence."""
    folded = fold(word)
    if not folded or any(ch.isdigit() for ch in folded):
        return True
    return zipf(folded) >= threshold


_LETTER_NAMES = {
    "a": "ay", "b": "bee", "c": "see", "d": "dee", "e": "ee", "f": "ef", "g": "gee", "h": "aitch",
    "i": "eye", "j": "jay", "k": "kay", "l": "el", "m": "em", "n": "en", "o": "oh", "p": "pee",
    "q": "cue", "r": "are", "s": "ess", "t": "tee", "u": "you", "v": "vee", "w": "double you",
    "x": "ex", "y": "why", "z": "zee",
}
_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                 "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _number_words(digits: str) -> str:
    n = int(digits)
    if n < 20:
        return _NUMBER_WORDS[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _NUMBER_WORDS[n % 10])
    if len(digits) == 4:  # said in pairs, like years and resolution numbers: 2396 -> twenty-three ninety-six
        return _number_words(digits[:2]) + " " + _number_words(digits[2:])
    return " ".join(_NUMBER_WORDS[int(d)] for d in digits)


def spoken_variants(text: str) -> list[str]:
    """How a written form may sound, as plain words: capital runs both as a word and as
    letter names ('ComfyUI' -> 'comfy ui', 'comfy you eye'), digits as number words."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+", text.translate(_APOSTROPHES))
    as_words, as_letters = [], []
    for word in words:
        if word.isdigit():
            spoken = _number_words(word)
            as_words.append(spoken)
            as_letters.append(spoken)
        elif word.isupper() and len(word) <= 6 and word.isascii():
            as_words.append(word.lower())
            as_letters.append(" ".join(_LETTER_NAMES.get(c, c) for c in word.lower()))
        else:
            as_words.append(fold(word))
            as_letters.append(fold(word))
    variants = [" ".join(as_words)]
    if as_letters != as_words:
        variants.append(" ".join(as_letters))
    return variants


@functools.lru_cache(maxsize=65536)
def sound_codes(text: str) -> tuple[str, str]:
    """Metaphone and NYSIIS codes of a spoken string, word boundaries ignored."""
    import jellyfish

    letters = "".join(ch for ch in fold(text) if "a" <= ch <= "z")
    if not letters:
        return ("", "")
    return (jellyfish.metaphone(letters).replace(" ", ""), jellyfish.nysiis(letters))


