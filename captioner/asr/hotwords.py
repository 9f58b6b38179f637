"""Recognition biasing: the glossary terms, within Whisper's token budget, that a recording's
agenda makes likely, given to the model as hotwords."""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Callable

from captioner.glossary.model import Concept, Glossary
from captioner.glossary.text import compact, is_acronym, is_common_word, tokens, zipf


def estimate_tokens(text: str) -> int:
    """A cautious estimate of Whisper tokens: ordinary words take one, rare ones one per
    2.5 characters, letters outside ASCII one more each, plus one for the separator."""
    count = 1
    for word in re.findall(r"\S+", text):
        core = "".join(ch for ch in word if ch.isalnum())
        if not core:
            continue
        if is_common_word(core) and not is_acronym(core):
            count += 1
        else:
            count += max(1, math.ceil(len(core) / 2.5))
        count += sum(1 for ch in core if not ch.isascii())
    return count


# A glossary file whose concepts the agenda names at least this share of is taken as made
# for the recording. The synthetic webinars' agendas name 0.65-0.95 of their own glossaries'
# concepts and 0.00-0.01 of the field glossary's (the sample's agenda 0.28 of it); given
# beside their own, the field glossary's unnamed terms ("Operation Koudanlgou" for a
# maritime webinar) took the webinars from 72 to 61 of 78 terms (seed 1), WER 0.13 to 0.18;
# without them, on seeds 8 and 9 (the same sentences with other pauses and noise: tuning
# data too), 0.74 -> 0.87 of terms, WER 0.25 -> 0.13 (bench/field_glossary.py).
OWN_GLOSSARY_SHARE = 0.5


def _own_files(glossary: Glossary, mentioned: set[str]) -> set[str | None]:
    """The files whose concepts the agenda mostly names (a concept counts for each of its files)."""
    named, every = Counter(), Counter()
    for concept in glossary:
        files = glossary.files_of(concept)
        every.update(files)
        if concept.id in mentioned:
            named.update(files)
    return {f for f, n in every.items() if named[f] >= OWN_GLOSSARY_SHARE * n}


def _appears(form: str, text_tokens: list[str]) -> int | None:
    """Token index where ``form`` occurs in the text, on word boundaries, or None."""
    needle = tokens(form)
    if not needle:
        return None
    n = len(needle)
    for i in range(len(text_tokens) - n + 1):
        if text_tokens[i:i + n] == needle:
            return i
    joined = compact(form)  # "UNCCT" written "UN CCT" or "U.N.C.C.T." in an agenda
    for i in range(len(text_tokens)):
        acc = ""
        for j in range(i, min(i + 8, len(text_tokens))):
            acc += text_tokens[j]
            if acc == joined:
                return i
            if len(acc) >= len(joined):
                break
    return None


def _rarity(concept: Concept) -> float:
    """Lower is rarer: the least common word of the concept's term or short form."""
    words = [w for form in (concept.term, concept.short_form) if form for w in tokens(form)]
    return min((zipf(w) if not w.isdigit() else 7.0 for w in words), default=7.0)


def select_bias_terms(glossary: Glossary, agenda_text: str = "", max_tokens: int = 100,
                      count_tokens: Callable[[str], int] | None = None,
                      ordinary_terms: bool = True) -> list[str]:
    """The glossary terms worth passing to the recogniser for one recording, within a token budget.

    First the concepts that the agenda mentions (by term, acronym, expansion or variant),
    in the forms the agenda used (a variant stands for the preferred term); then the others:
    those recognition is known to get wrong (``sounds_like``), names kept as they are,
    then the rest. With an agenda, the others come only from glossary files it mostly
    names (:data:`OWN_GLOSSARY_SHARE`): those were made for this recording, while a field
    glossary's unnamed terms are guesses, and a wrong one costs speech. Within each group
    the rarest words come first, since common words come out right without help; a term
    made only of ordinary words, or whose rare words an earlier term already carries
    ("Koudanlgou" after "Operation Koudanlgou"), is left out.
    ``count_tokens`` may count with the model's own tokenizer; the default is
    :func:`estimate_tokens`, which errs on the high side.
    """
    count = count_tokens or estimate_tokens
    text_tokens = tokens(agenda_text) if agenda_text else []
    mentioned: list[tuple[Concept, list[str]]] = []
    others: list[Concept] = []
    for concept in glossary:
        hits = [(pos, form) for form in concept.forms() if (pos := _appears(form, text_tokens)) is not None]
        if hits:
            mentioned.append((concept, [form for _, form in sorted(hits)]))
        else:
            others.append(concept)
    if text_tokens:
        own = _own_files(glossary, {c.id for c, _ in mentioned})
        others = [c for c in others if glossary.files_of(c) & own]
    mentioned.sort(key=lambda item: (0 if item[0].sounds_like else 1, _rarity(item[0]), len(item[0].term)))
    others.sort(key=lambda c: (0 if c.sounds_like else 1 if c.keep else 2, _rarity(c), len(c.term)))

    candidates: list[str] = []
    for concept, forms in mentioned:
        # the forms the agenda used; a variant stands for the preferred term
        candidates.extend(f if f in (concept.term, concept.acronym, concept.expansion) else concept.term
                          for f in forms)
    candidates.extend(c.term for c in others)

    chosen: list[str] = []
    covered: set[str] = set()
    budget = max_tokens
    ordinary: list[str] = []
    for term in candidates:
        rare = {w for w in tokens(term) if not is_common_word(w)}
        if is_acronym(term):
            rare.add(compact(term))
        if not rare:
            ordinary.append(term)
            continue
        if rare <= covered:
            continue
        cost = count(term)
        if cost <= budget:
            chosen.append(term)
            covered |= rare
            budget -= cost
    if ordinary_terms:
        for term in ordinary:
            cost = count(term)
            if term not in chosen and cost <= budget:
                chosen.append(term)
                budget -= cost
    return chosen
