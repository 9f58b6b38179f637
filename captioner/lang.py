"""Language codes (BCP 47) and what captions need to know of a language's script.

Codes are normalised by langcodes (`ES` -> `es`, `pt_br` -> `pt-BR`, `iw` -> `he`), so one
language gets one set of files whatever case a producer typed. Right-to-left and
unspaced scripts are listed here once, by primary language subtag, for every stage
(caption files, line breaking, the replay page).
"""
from __future__ import annotations

import re

# Written right to left: captions get a right-to-left mark, the page dir="rtl".
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
# Written without spaces between words: text is joined and broken by character.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})
# Chinese, Japanese and Korean: Netflix's CJK reading rules (16 characters a line).
CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})


class LanguageCodeError(ValueError):
    """Not a valid BCP 47 language tag."""


def normalize(tag: str) -> str:
    """The tag in BCP 47's canonical form; LanguageCodeError when it is not one. A well-formed
    code of no language known ("xx") passes, for the engine to say it has no such pair."""
    import langcodes  # its tables take 40 ms to load: not for `captioner --help`

    text = tag.strip().replace("_", "-")
    if re.fullmatch(r"[A-Za-z]{2,3}", primary(text)):
        try:
            return langcodes.standardize_tag(text)
        except (langcodes.LanguageTagError, ValueError):
            pass
    raise LanguageCodeError(f"not a BCP 47 language code: {tag}")


def language_tag(text: str) -> str | None:
    """The normalised tag of `text`, or None when it is not a language code (a column name, say)."""
    try:
        return normalize(text)
    except LanguageCodeError:
        return None


def primary(tag: str | None) -> str:
    """'zh-Hant-TW' -> 'zh'; None -> ''."""
    return (tag or "").replace("_", "-").split("-")[0].strip().lower()


def is_rtl(tag: str | None) -> bool:
    return primary(tag) in RTL_LANGUAGES


def is_unspaced(tag: str | None) -> bool:
    return primary(tag) in UNSPACED_LANGUAGES


def is_cjk(tag: str | None) -> bool:
    return primary(tag) in CJK_LANGUAGES


def direction(tag: str | None) -> str:
    """'rtl' for right-to-left languages, else 'ltr' (HTML's dir attribute)."""
    return "rtl" if is_rtl(tag) else "ltr"
