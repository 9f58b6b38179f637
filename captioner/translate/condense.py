"""Shorter subtitles for sentences whose translation is longer than their time allows.

Subtitles translated from speech are read at 17 characters a second (captions/rules.py)
while most languages take more characters than English to say the same, so a sentence
spoken briskly cannot always be shown whole. What a subtitler does, in order:

1. **Say it more briefly, then translate** (`shorter_source`): the English sentence
   loses what carries no content (fillers, "actually", "very", "of course", a
   leading "And"/"So") and wordy phrases give way to short ones ("in order to" ->
   "to", "due to the fact that" -> "because"). Glossary terms, names and numbers
   are never touched. The shorter sentence is translated with the same term
   protection; its translation is used only if it is shorter.
2. **Drop what a reader can spare** (`spare_words`): in the translation, the
   target language's own fillers and intensifiers ("muy", "realmente" in Spanish),
   where the language has a list.
3. **Cut at a clause** (`cut_to`): as a last resort, the sentence is cut at the
   last clause boundary (else word boundary) that fits and ends with "…", so a
   viewer sees that something was left out. Glossary renderings before the cut
   are kept whole.

Every step is reported per language (`translations.<lang>.condensed` in
report.json) and each unit in review/<lang>.units.json says how its text was
shortened (`condensed`), so a translator can restore a sentence in review.
Reviewed texts are human work: they are never condensed.
"""
from __future__ import annotations

import re

ENABLED = True  # bench/translated_cues.py measures with it off
ELLIPSIS = "\u2026"

# English wordings with a shorter equivalent, longest first; matched case-insensitively as whole words.
_PHRASES = [
    ("due to the fact that", "because"), ("owing to the fact that", "because"),
    ("in spite of the fact that", "although"), ("despite the fact that", "although"),
    ("at this point in time", "now"), ("at the present time", "now"), ("at this moment in time", "now"),
    ("for the purpose of", "for"), ("in the event that", "if"), ("with regard to", "on"),
    ("with respect to", "on"), ("in relation to", "on"), ("in the context of", "in"),
    ("a wide range of", "many"), ("a broad range of", "many"), ("a large number of", "many"),
    ("on a daily basis", "daily"),
    ("each and every", "every"), ("first and foremost", "first"), ("in order to", "to"), ("so as to", "to"),
    ("as well as", "and"), ("prior to", "before"), ("in addition to", "besides"),
    ("is able to", "can"), ("are able to", "can"), ("were able to", "could"),
    ("we are going to", "we will"), ("i am going to", "I will"), ("i'm going to", "I'll"),
    ("thank you very much", "thank you"), ("thank you so much", "thank you"),
    ("i would like to thank", "I thank"), ("we would like to thank", "we thank"),
    ("it is important to note that", ""), ("it is worth noting that", ""), ("it is worth mentioning that", ""),
    ("i would like to point out that", ""), ("i think that", ""), ("i believe that", ""),
]
# Words that carry no content of their own in a sentence of webinar speech.
_FILLERS = ["um", "uh", "erm", "you know", "i mean", "of course", "in fact", "actually", "basically",
            "really", "very", "just", "certainly", "clearly", "obviously", "simply", "truly", "quite",
            "indeed", "definitely", "absolutely"]
_LEADING = ["and", "so", "well", "now", "okay", "ok", "also", "then"]

# The target language's own fillers and intensifiers, for step 2.
SPARE_WORDS = {
    "es": ["realmente", "muy", "simplemente", "ciertamente", "claramente", "obviamente", "de hecho",
           "por supuesto", "ahora bien"],
    "fr": ["vraiment", "très", "simplement", "certainement", "clairement", "évidemment", "en fait", "bien sûr",
           "tout à fait"],
    "ca": ["realment", "molt", "simplement", "certament", "clarament", "de fet", "per descomptat"],
    "pt": ["realmente", "muito", "simplesmente", "certamente", "claramente", "de facto", "de fato", "é claro"],
    "it": ["davvero", "molto", "semplicemente", "certamente", "chiaramente", "infatti", "ovviamente"],
    "de": ["wirklich", "sehr", "einfach", "natürlich", "eigentlich", "tatsächlich"],
}  # words that are also adjectives or change the sense when dropped ("sólo", "bastante", "aussi") are not here
_LEADING_TARGET = {"es": ["y", "así que", "bien"], "fr": ["et", "alors", "bon"], "ca": ["i"], "pt": ["e"],
                   "it": ["e", "allora"], "de": ["und", "also"]}


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _capitalise_first(text: str, like: str) -> str:
    if like[:1].isupper() and text[:1].islower():
        return text[:1].upper() + text[1:]
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*([,.;:!?])", r"\1", text)
    text = re.sub(r"^[\s,;:]+", "", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _replace_outside(text: str, pattern: re.Pattern, replacement, keep: list[tuple[int, int]]) -> str:
    """`pattern` replaced where a match does not touch a kept span (a glossary term, a name, a number)."""
    out, last = [], 0
    for match in pattern.finditer(text):
        if any(match.start() < e and s < match.end() for s, e in keep):
            continue
        out.append(text[last:match.start()])
        out.append(replacement(match) if callable(replacement) else replacement)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _apply(text: str, pattern: str, replacement, protected: list[str], flags=re.IGNORECASE) -> str:
    keep = [(m.start(), m.end()) for term in protected if term
            for m in re.finditer(re.escape(term), text, re.IGNORECASE)]
    return _replace_outside(text, re.compile(pattern, flags), replacement, keep)


def _same_case(replacement: str):
    def rep(match: re.Match) -> str:
        return _capitalise_first(replacement, match.group(0)) if replacement else ""
    return rep


def shorter_source(sentence: str, protected: list[str] = ()) -> str:
    """The English sentence said more briefly (step 1); `protected` are spans kept as they are."""
    def phrases(text: str) -> str:
        for long, short in _PHRASES:
            pattern = r"(?<![\w'])" + _alternation([long]) + r"(?![\w'])" + (r",?\s*" if not short else "")
            text = _apply(text, pattern, _same_case(short), protected)
        return text

    text = phrases(sentence)  # before the fillers go ("thank you very much"), and again after
    text = _apply(text, r"(?<![\w'])(?:" + _alternation(_FILLERS) + r")(?![\w'])(?:\s*,)?", "", protected)
    text = phrases(_tidy(text))
    if not any(ch.isalnum() for ch in text):
        return sentence
    leading = r"^\s*(?:" + _alternation(_LEADING) + r")\b\s*,?\s*"
    while (shorter := _apply(text, leading, "", protected)) != text:  # "And so, ..."
        text = shorter
    text = _tidy(text)
    return _capitalise_first(text, sentence) if text else sentence


def spare_words(text: str, language: str, protected: list[str] = ()) -> str:
    """The translation without the target language's fillers and intensifiers (step 2)."""
    from captioner.lang import primary

    code = primary(language)
    words = SPARE_WORDS.get(code)
    if not words:
        return text
    out = _apply(text, r"(?<![\w'])(?:" + _alternation(words) + r")(?![\w'])(?:\s*,)?", "", protected)
    leading = _LEADING_TARGET.get(code, [])
    if leading:
        out = _apply(out, r"^\s*(?:" + _alternation(leading) + r")\b\s*,?\s*", "", protected)
    out = _tidy(out)
    return _capitalise_first(out, text) if out else text


_CLAUSE_END = re.compile(r"[,;:\u060c\u3001]\s")


def cut_to(text: str, chars: int, protected: list[str] = (), approved: list[str] = ()) -> str:
    """The text cut to at most `chars` characters (ellipsis included) at the last clause
    boundary that fits, else the last word boundary, never inside a protected rendering (step 3).
    Where every such cut would lose a rendering, clauses without one (without an `approved`
    one, when given) are left out instead, an ellipsis where they were. The whole text when it fits; at least the first word."""
    if len(text) <= chars:
        return text
    budget = max(1, chars - len(ELLIPSIS))
    inside = [(m.start(), m.end()) for term in protected if term
              for m in re.finditer(re.escape(term), text, re.IGNORECASE)]

    def allowed(i: int) -> bool:
        return not any(s < i < e for s, e in inside)

    clauses = [m.start() for m in _CLAUSE_END.finditer(text) if m.start() <= budget and allowed(m.start())]
    words = [m.start() for m in re.finditer(r"\s", text) if m.start() <= budget and allowed(m.start())]
    # a clause boundary is worth losing up to a third of the budget, else the last word that fits;
    # first among the cuts that keep every rendering
    kept = max((e for _, e in inside), default=0)
    first_ways = ([p for p in clauses if p >= max(kept, budget * 2 / 3)], [p for p in words if p >= kept])
    candidates = next((way for way in first_ways if way), [])
    if not candidates:
        must = [(m.start(), m.end()) for term in approved if term
                for m in re.finditer(re.escape(term), text, re.IGNORECASE)]
        without = _without_clauses(text, chars, must or inside)
        if without is not None:
            return without
        kept = max((e for _, e in must), default=0)
        ways = ([p for p in words if p >= kept], [p for p in clauses if p >= budget * 2 / 3], words, clauses)
        candidates = next((way for way in ways if way), [])
    if not candidates:
        first = re.match(r"\S+", text)
        return (first.group(0) if first else text).rstrip(",;:") + ELLIPSIS
    end = max(candidates)
    return text[:end].rstrip(" ,;:-") + ELLIPSIS


def _without_clauses(text: str, chars: int, inside: list[tuple[int, int]]) -> str | None:
    """The text without its clauses that hold no protected rendering, the last first, until it
    fits in `chars`; None when it does not fit even then."""
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(text)] + [len(text)]
    clauses = [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]
    keep = [any(a <= s and e <= b for s, e in inside) for a, b in clauses]
    dropped: set[int] = set()
    for index in reversed(range(len(clauses))):
        if keep[index] or len(dropped) == len(clauses) - 1:
            continue
        dropped.add(index)
        pieces, gap = [], False
        for k, (a, b) in enumerate(clauses):
            if k in dropped:
                gap = True
                continue
            piece = text[a:b].strip()
            pieces.append((ELLIPSIS + (" " if pieces else "") if gap else "") + piece)
            gap = False
        shown = " ".join(pieces).rstrip(" ,;:")
        if gap:
            shown += ELLIPSIS
        if len(shown) <= chars:
            return shown
    return None
