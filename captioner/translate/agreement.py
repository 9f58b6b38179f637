"""Spanish article agreement for renderings put into a machine translation.

When a glossary rendering replaces the engine's own words (or a placeholder), the
article the engine wrote before it agreed with the engine's words, not with the
rendering: 'el lista de vigilancia'. Gender and number are read from the
rendering's first word where its ending is a reliable sign; otherwise nothing
is changed.
"""
from __future__ import annotations

import re

from captioner.lang import primary

# Spanish articles by (gender, number), and the contracted forms.
_ES_ARTICLES = {
    "el": ("def", "m", "sg"), "la": ("def", "f", "sg"), "los": ("def", "m", "pl"), "las": ("def", "f", "pl"),
    "un": ("indef", "m", "sg"), "una": ("indef", "f", "sg"), "unos": ("indef", "m", "pl"), "unas": ("indef", "f", "pl"),
    "del": ("del", "m", "sg"), "al": ("al", "m", "sg"),
}
_ES_FORMS = {
    ("def", "m", "sg"): "el", ("def", "f", "sg"): "la", ("def", "m", "pl"): "los", ("def", "f", "pl"): "las",
    ("indef", "m", "sg"): "un", ("indef", "f", "sg"): "una", ("indef", "m", "pl"): "unos", ("indef", "f", "pl"): "unas",
    ("del", "m", "sg"): "del", ("del", "f", "sg"): "de la", ("del", "m", "pl"): "de los", ("del", "f", "pl"): "de las",
    ("al", "m", "sg"): "al", ("al", "f", "sg"): "a la", ("al", "m", "pl"): "a los", ("al", "f", "pl"): "a las",
}
_ES_FEMININE_ISTA = {"lista", "vista", "pista", "revista", "entrevista", "conquista"}


def spanish_gender_number(rendering: str) -> tuple[str, str] | None:
    """Gender and number of a Spanish noun phrase from its first word's ending, where
    the ending is a reliable sign; None where it is not (then nothing is changed)."""
    words = rendering.split()
    if not words or not words[0].isalpha() or words[0][:1].isupper() and words[0].isupper():
        return None
    head = words[0].lower()
    plural = head.endswith("s") and len(head) > 3 and not head.endswith(("is", "us"))
    stem = head[:-2] if head.endswith("es") and plural and head[-3:-2] in "nrdlz" else (head[:-1] if plural else head)
    if stem.endswith(("ción", "sión", "cion", "sion", "dad", "tad", "tud", "umbre", "gestión")):
        return "f", "pl" if plural else "sg"
    if stem in _ES_FEMININE_ISTA or (stem.endswith("a") and not stem.endswith(("ma", "ista", "guardia", "día", "mapa"))):
        return "f", "pl" if plural else "sg"
    if stem.endswith(("o", "or", "aje", "ún")):
        return "m", "pl" if plural else "sg"
    return None


def agree_article(text: str, position: int, rendering: str, language: str | None) -> tuple[int, int, str] | None:
    """The edit (start, end, new article) that makes the Spanish article right before
    `position` in `text` agree with `rendering`; None when there is nothing to change."""
    if primary(language) != "es":
        return None
    wanted = spanish_gender_number(rendering)
    if wanted is None:
        return None
    match = re.search(r"(?<!\w)(\w+)(\s+)$", text[:position])
    if not match:
        return None
    word = match.group(1)
    article = _ES_ARTICLES.get(word.lower())
    if article is None or article[1:] == wanted:
        return None
    new = _ES_FORMS[(article[0], *wanted)]
    if word[:1].isupper():
        new = new[:1].upper() + new[1:]
    return match.start(1), match.end(1), new
