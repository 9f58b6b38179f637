"""Which written forms a translation must carry through, and finding them in a sentence.

From a glossary: every form (term, acronym, expansion, variants, and English
plurals) of every concept with a rendering in the target language: approved and
proposed translations (never deprecated ones) and keep-as-is names. From the
text itself: numbers, URLs and e-mail addresses, which must come out unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from captioner.lang import primary

GLOSSARY_KINDS = ("approved", "proposed", "keep")
PATTERN_KINDS = ("number", "url", "email")
KINDS = GLOSSARY_KINDS + PATTERN_KINDS

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]]"
_NUMBER = r"(?<![\w.])\d+(?:[.,:]\d+)*%?(?![\w])"
_PATTERNS = [("email", re.compile(_EMAIL)), ("url", re.compile(_URL)), ("number", re.compile(_NUMBER))]

# Words after which a Romance noun phrase stops taking the plural ("gestión de fronteras").
_PLURAL_STOP = {
    "es": {"de", "del", "sobre", "para", "en", "con", "contra", "por", "entre", "a", "al", "y"},
    "fr": {"de", "du", "des", "d'", "sur", "pour", "en", "à", "au", "aux", "contre", "par", "entre", "et"},
    "pt": {"de", "do", "da", "dos", "das", "sobre", "para", "em", "com", "contra", "por", "entre", "e"},
    "it": {"di", "del", "della", "dei", "delle", "per", "su", "in", "con", "contro", "tra", "e"},
    "ca": {"de", "del", "dels", "sobre", "per", "en", "amb", "contra", "entre", "i"},
}


@dataclass(frozen=True)
class TermRule:
    """One written form to protect and the rendering the translation must contain."""

    source: str
    target: str
    kind: str  # approved | proposed | keep | number | url | email
    concept: str | None = None
    inflection: str | None = None  # "plural" when source and target were made plural by rule


@dataclass
class Occurrence:
    rule: TermRule
    start: int
    end: int
    text: str  # as written in the source sentence

    @property
    def target(self) -> str:
        target = self.rule.target
        if self.start == 0 and self.text[:1].isupper() and target[:1].islower():
            return target[:1].upper() + target[1:]
        return target


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in form.strip()


def english_plural(form: str) -> str | None:
    """'foreign terrorist fighter' -> 'foreign terrorist fighters'; None where no plural applies."""
    words = form.split()
    last = words[-1] if words else ""
    if not last.isalpha() or not last.islower() or len(last) < 3 or last.endswith(("s", "ics")):
        return None
    if last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("x", "z", "ch", "sh")):
        plural = last + "es"
    else:
        plural = last + "s"
    return " ".join(words[:-1] + [plural])


def _plural_word(word: str, lang: str) -> str:
    lower = word.lower()
    if lang == "es":
        if lower.endswith("ión"):
            return word[:-3] + "iones"
        if lower.endswith("z"):
            return word[:-1] + "ces"
        if lower.endswith(("s", "x")) and not lower.endswith(("és", "ás", "ós")):
            return word
        if lower[-1] in "aeiouáéó":
            return word + "s"
        return word + "es"
    if lang == "fr":
        if lower.endswith(("s", "x", "z")):
            return word
        if lower.endswith("al"):
            return word[:-2] + "aux"
        if lower.endswith(("eau", "au", "eu")):
            return word + "x"
        return word + "s"
    if lang == "pt":
        if lower.endswith("ão"):
            return word[:-2] + "ões"
        if lower.endswith("m"):
            return word[:-1] + "ns"
        if lower.endswith(("r", "z")):
            return word + "es"
        if lower.endswith("l"):
            return word[:-1] + "is"
        if lower.endswith("s"):
            return word
        return word + "s"
    if lang == "it":
        if lower.endswith("o") or lower.endswith("e"):
            return word[:-1] + "i"
        if lower.endswith("a"):
            return word[:-1] + "e"
        return word
    if lang == "ca":
        if lower.endswith("a"):
            return word[:-1] + "es"
        if lower.endswith(("s", "x")):
            return word + "os"
        return word + "s"
    return word


def target_plural(rendering: str, lang: str) -> str | None:
    """Plural of a Romance noun phrase: every word before the first preposition.
    None for languages without a rule here (the rendering is then used as it is)."""
    lang = primary(lang)
    stops = _PLURAL_STOP.get(lang)
    if stops is None:
        return None
    words = rendering.split()
    out = []
    for n, word in enumerate(words):
        if word.lower() in stops or (n and not word.isalpha()):
            out.extend(words[n:])
            break
        out.append(_plural_word(word, lang))
    return " ".join(out)


def _concepts(glossary: Any) -> Iterable[Any]:
    if glossary is None:
        return []
    return getattr(glossary, "concepts", glossary)


def rules_from_glossary(glossary: Any, target_language: str) -> list[TermRule]:
    """Every written form of every concept that has a rendering in `target_language`.

    Approved and proposed translations (never deprecated ones) replace the term;
    keep-as-is names stay as they are; the acronym of a translated concept (API for
    advance passenger information) is kept as written. English plurals of a form
    map to the rendering made plural by rule (es, fr, pt, it, ca) or to the
    rendering as it is elsewhere.
    """
    lang = primary(target_language)
    rules: dict[str, TermRule] = {}
    concepts = []
    for concept in _concepts(glossary):
        translation = concept.translation(lang) if hasattr(concept, "translation") else None
        if translation is None and lang != target_language and hasattr(concept, "translation"):
            translation = concept.translation(target_language)
        forms = concept.forms() if hasattr(concept, "forms") else [concept.term]
        concepts.append((concept, translation, forms))
    renderings = {form.strip().lower(): translation.term for _, translation, forms in concepts
                  if translation is not None for form in forms}
    for concept, translation, forms in concepts:
        cid = getattr(concept, "id", None)
        for form in forms:
            form = form.strip()
            if not form or form in rules:
                continue
            if (translation is not None and form != concept.term
                    and _names_another_concept(form, forms, translation.term, renderings)):
                continue
            if translation is None:
                if getattr(concept, "keep", False):
                    rules[form] = TermRule(form, form, "keep", cid)
                continue
            if _is_acronym(form) and form != concept.term and not _is_acronym(concept.term):
                rules[form] = TermRule(form, form, "keep", cid)
                continue
            kind = "approved" if translation.status == "approved" else "proposed"
            rules[form] = TermRule(form, translation.term, kind, cid)
            plural = english_plural(form)
            if plural and plural not in rules:
                target = target_plural(translation.term, lang)
                rules[plural] = TermRule(plural, target or translation.term, kind, cid,
                                         inflection="plural" if target else None)
    return list(rules.values())


def _names_another_concept(form: str, forms: Iterable[str], rendering: str, renderings: dict[str, str]) -> bool:
    """Is `form` a variant made of a shorter form of its concept and another concept's name, which
    the rendering does not carry?

    Forced in whole, its rendering would replace that name too: the variant "Security Council
    resolution 2396", rendered as the concept's "resolución 2396 (2017)", lost the Security Council
    (a concept of its own: "Consejo de Seguridad"). Such a form gets no rule: the shorter form and
    the other concept are protected each by its own rule. "UN Security Council" keeps its rule, as
    its rendering carries the UN's ("Consejo de Seguridad de las Naciones Unidas").
    """
    for inner in forms:
        inner = inner.strip()
        if not inner or len(inner) >= len(form):
            continue
        match = _rule_pattern(inner).search(form)
        if match is None:
            continue
        for side in (form[:match.start()], form[match.end():]):
            side = side.strip(" ,;:-()")
            if _is_acronym(side):  # "UN Security Council": the owner's initials, which a rendering may leave out
                continue
            other = renderings.get(side.lower())
            if other is not None and other.lower() not in rendering.lower():
                return True
    return False


# --- finding occurrences ---------------------------------------------------------

@lru_cache(maxsize=8192)
def _rule_pattern(form: str) -> re.Pattern:
    case_sensitive = any(c.isupper() for c in form[1:])
    edge = r"[\w]" if case_sensitive else r"[\w-]"
    flags = 0 if case_sensitive else re.IGNORECASE
    body = r"\s+".join(re.escape(part) for part in form.split())
    return re.compile(rf"(?<!{edge}){body}(?!{edge})", flags)


def find_occurrences(sentence: str, rules: list[TermRule]) -> list[Occurrence]:
    """Non-overlapping occurrences, longest forms first, then numbers, URLs, e-mails."""
    candidates: list[Occurrence] = []
    for rule in rules:
        for match in _rule_pattern(rule.source).finditer(sentence):
            candidates.append(Occurrence(rule, match.start(), match.end(), match.group(0)))
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            text = match.group(0)
            candidates.append(Occurrence(TermRule(text, text, kind), match.start(), match.end(), text))
    candidates.sort(key=lambda o: (-(o.end - o.start), o.start))
    chosen: list[Occurrence] = []
    for occ in candidates:
        if all(occ.end <= c.start or occ.start >= c.end for c in chosen):
            chosen.append(occ)
    return _acronyms_after_their_name(sentence, sorted(chosen, key=lambda o: o.start))


_APPOSITION = re.compile(r"\s*[,(]\s*")


def _acronyms_after_their_name(sentence: str, occurrences: list[Occurrence]) -> list[Occurrence]:
    """"the UN Office of Counter-Terrorism, UNOCT": the acronym right after its own concept's name
    stays the acronym. Rendered too, it would say the long name twice."""
    out = list(occurrences)
    for k in range(1, len(out)):
        before, occ = out[k - 1], out[k]
        if (occ.rule.concept and occ.rule.concept == before.rule.concept and occ.text.isupper()
                and _APPOSITION.fullmatch(sentence[before.end:occ.start])):
            out[k] = Occurrence(TermRule(occ.text, occ.text, "keep", occ.rule.concept), occ.start, occ.end, occ.text)
    return out
