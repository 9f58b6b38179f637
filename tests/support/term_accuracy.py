"""Term accuracy: how many glossary term occurrences of the reference a hypothesis writes exactly.

Definition (what the issue's "term occurrences exactly right" means here):

1. The written forms of every concept of the glossary are its term, acronym,
   expansion and variants (not its sounds-like entries: those are errors).
2. Both texts are scanned the same way for form occurrences: ignoring case,
   on word boundaries (a form is not found inside a longer word; hyphens and
   slashes count as boundaries, so "UNCCT" is found in "UNCCT-INTERPOL" unless
   a longer form covers it), longest form first, never overlapping. A plural or
   possessive ending ("FIUs", "INTERPOL's", "watchlists") is allowed after a
   form and is not part of what is compared, also where the glossary lists the
   plural as a variant of its own. Punctuation around a form does
   not matter ("(PNR),", "INTERPOL.").
3. Each occurrence in the reference is recorded with its exact written text
   (case, hyphens, accents and digits as written), e.g. "terror-crime nexus".
4. For each distinct written text W of the reference:
   correct(W) = min(ref_count(W), hyp_count(W)), where hyp_count counts the
   hypothesis occurrences whose written text is exactly W. "Interpol",
   "terror crime nexus", "Counterterrorism" or "Yaounde" do not count for
   "INTERPOL", "terror-crime nexus", "Counter-Terrorism" or "Yaoundé".
5. accuracy = sum of correct(W) / number of occurrences in the reference.

A capital that only starts a sentence is not the term's: where the glossary
writes a form in lower case ("data protection"), the first letter of an
occurrence is compared in lower case ("Data protection" at the start of a
reference sentence and "data protection" in the middle of a hypothesis
sentence are the same writing). Typographic apostrophes are read as ASCII ones
and runs of white space as one space in both texts; nothing else is normalised.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from captioner.glossary.model import Glossary

_SUFFIX = r"(?:'s|s|es)?"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(_APOSTROPHES).split())


def glossary_forms(glossary: Glossary) -> list[str]:
    """Every written form of every concept, longest first (ties in a fixed order)."""
    forms = {clean(f) for concept in glossary for f in concept.forms() if f.strip()}
    return sorted(forms, key=lambda f: (-len(f), f))


def _pattern(forms: list[str]) -> re.Pattern:
    # alternatives in order, longest first: the regex takes the first that matches at a position,
    # and scanning left to right never overlaps; a shorter form inside a longer one is taken
    # only where the longer one does not match
    body = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<!\w)({body}){_SUFFIX}(?!\w)", re.IGNORECASE)


def occurrences(text: str, forms: list[str], pattern: re.Pattern | None = None) -> list[str]:
    """The written text of each form occurrence in ``text``, in order (a sentence's capital
    on a lower-case form lowered)."""
    if not forms:
        return []
    pattern = pattern or _pattern(forms)
    lower_forms = {f.casefold() for f in forms if f[:1].islower()}
    folded_forms = {f.casefold() for f in forms}
    found = []
    for match in pattern.finditer(clean(text)):
        written = match.group(1)
        ending = re.search(r"(?:'s|s|es)$", written)
        if ending and written[:ending.start()].casefold() in folded_forms:
            written = written[:ending.start()]  # a plural that the glossary also lists: "watchlists"
        if written.casefold() in lower_forms:
            written = written[:1].lower() + written[1:]
        found.append(written)
    return found


@dataclass
class TermScore:
    correct: int
    total: int
    per_term: dict[str, tuple[int, int]] = field(default_factory=dict)  # written text -> (ref, hyp)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def missed(self) -> dict[str, int]:
        """Reference written texts with how many of their occurrences the hypothesis lacks."""
        return {w: r - min(r, h) for w, (r, h) in self.per_term.items() if h < r}

    def __add__(self, other: "TermScore") -> "TermScore":
        merged = dict(self.per_term)
        for w, (r, h) in other.per_term.items():
            r0, h0 = merged.get(w, (0, 0))
            merged[w] = (r0 + r, h0 + h)
        return TermScore(self.correct + other.correct, self.total + other.total, merged)


def term_accuracy(reference: str, hypothesis: str, glossary: Glossary) -> TermScore:
    """Exactly written term occurrences of ``reference`` found in ``hypothesis`` (see the module doc)."""
    forms = glossary_forms(glossary)
    if not forms:
        return TermScore(0, 0)
    pattern = _pattern(forms)
    ref = Counter(occurrences(reference, forms, pattern))
    hyp = Counter(occurrences(hypothesis, forms, pattern))
    per_term = {w: (n, hyp.get(w, 0)) for w, n in ref.items()}
    correct = sum(min(r, h) for r, h in per_term.values())
    return TermScore(correct, sum(ref.values()), per_term)
