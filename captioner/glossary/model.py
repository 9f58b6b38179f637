"""The glossary model: one Concept per entry, lookup by any written form, merging, hashing.

A concept has one preferred English ``term``; its short and long forms are linked
both ways (``acronym`` when the term is the long form, ``expansion`` when the term
is itself the acronym, as for INTERPOL); ``variants`` are accepted spellings;
``sounds_like`` lists what speech recognition is known to write instead, each
with the form it stands for; ``keep`` marks a name that stays as it is in every
language; ``translations`` holds one rendering per target language with its
review status.

File formats, and reading a glossary file (`load_glossary`), live in
:mod:`captioner.glossary.formats`; the text helpers at the
end of this module (folding, tokens, how a form sounds, how common an English
word is) are shared by correction, review and recognition biasing.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from captioner.errors import InputFileError

STATUSES = ("proposed", "approved", "deprecated")
GLOSSARY_SUFFIXES = (".yaml", ".yml", ".csv", ".tbx")


class GlossaryFileError(InputFileError):
    """A glossary file that cannot be read, with the file and line it concerns."""

    def __init__(self, file: str, line: int | None, detail: str):
        self.file, self.line, self.detail = file, line, detail
        super().__init__(f"{file} line {line}: {detail}" if line else f"{file}: {detail}")


@dataclass
class Problem:
    """Something wrong in a glossary file, with where it is."""

    file: str
    line: int | None
    message: str
    level: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.level}: {self.message}"


@dataclass
class Translation:
    term: str
    status: str = "proposed"
    reviewer: str | None = None
    reviewed: str | None = None  # ISO date, YYYY-MM-DD
    source: str | None = None  # the authority cited for an approval
    note: str | None = None


@dataclass
class SoundsLike:
    """A known misrecognition: ``heard`` in a transcript means ``target``."""

    heard: str
    target: str | None = None  # None: the concept's preferred term


@dataclass
class Concept:
    id: str
    term: str
    acronym: str | None = None
    expansion: str | None = None
    variants: list[str] = field(default_factory=list)
    sounds_like: list[SoundsLike] = field(default_factory=list)
    keep: bool = False
    definition: str | None = None
    definition_source: str | None = None
    translations: dict[str, Translation] = field(default_factory=dict)
    # where the concept was read from ("file", line); not part of its content
    origin: tuple[str, int | None] | None = field(default=None, compare=False, repr=False)

    @property
    def short_form(self) -> str | None:
        return self.acronym if self.acronym else (self.term if self.expansion else None)

    @property
    def origin_file(self) -> str | None:
        return self.origin[0] if self.origin else None

    @property
    def full_form(self) -> str:
        return self.expansion or self.term

    def forms(self) -> list[str]:
        """Every accepted written form: term, acronym, expansion, variants."""
        seen: list[str] = []
        for form in (self.term, self.acronym, self.expansion, *self.variants):
            if form and form not in seen:
                seen.append(form)
        return seen

    def sounds_like_pairs(self) -> list[tuple[str, str]]:
        return [(s.heard, s.target or self.term) for s in self.sounds_like]

    def translation(self, lang: str) -> Translation | None:
        """The rendering to use in ``lang`` (approved or proposed), never a deprecated one."""
        t = self.translations.get(lang)
        return t if t is not None and t.status != "deprecated" else None

    def approved(self, lang: str) -> Translation | None:
        t = self.translations.get(lang)
        return t if t is not None and t.status == "approved" else None

    def rendering(self, lang: str) -> str | None:
        """What a translation into ``lang`` should say for this concept, if the glossary knows."""
        t = self.translation(lang)
        if t is not None:
            return t.term
        return self.term if self.keep else None

    def content(self) -> dict:
        data = dataclasses.asdict(self)
        data.pop("origin", None)
        return data


class Glossary:
    """Concepts in order, with lookup by id and by any written form."""

    def __init__(self, concepts: Iterable[Concept] = (), name: str | None = None,
                 source_language: str = "en", warnings: list[Problem] | None = None):
        self.name = name
        self.source_language = source_language
        self.concepts: list[Concept] = []
        self.warnings: list[Problem] = warnings if warnings is not None else []
        self._by_id: dict[str, Concept] = {}
        self._by_form: dict[str, Concept] = {}
        self._files: dict[str, set[str | None]] = {}
        for concept in concepts:
            self.add(concept)

    def add(self, concept: Concept) -> None:
        if concept.id in self._by_id:
            raise ValueError(f"duplicate concept id {concept.id!r}")
        self.concepts.append(concept)
        self._by_id[concept.id] = concept
        self._files[concept.id] = {concept.origin_file}
        self.index_forms(concept)

    def index_forms(self, concept: Concept) -> None:
        """Make the concept's forms findable (again, after they changed); first come, first served."""
        for form in concept.forms():
            self._by_form.setdefault(compact(form), concept)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    def __repr__(self) -> str:
        return f"Glossary({self.name!r}, {len(self.concepts)} concepts)"

    def files_of(self, concept: Concept) -> set[str | None]:
        """The files a concept was read from: more than one where merging found it in several."""
        return self._files.get(concept.id, {concept.origin_file})

    def get(self, concept_id: str) -> Concept | None:
        return self._by_id.get(concept_id)

    def lookup(self, text: str) -> Concept | None:
        """The concept one of whose forms is ``text``, ignoring case, accents, spaces, hyphens and dots."""
        return self._by_form.get(compact(text))

    def languages(self) -> list[str]:
        seen: list[str] = []
        for concept in self.concepts:
            for lang in concept.translations:
                if lang not in seen:
                    seen.append(lang)
        return seen

    def glossary_hash(self) -> str:
        """A content hash: changes when any concept changes, not with comments or file layout."""
        payload = json.dumps(
            {"source_language": self.source_language, "concepts": [c.content() for c in self.concepts]},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- merging and loading ---------------------------------------------------

def merge_concept(into: Concept, other: Concept) -> None:
    """Fold ``other`` into ``into``: the later file fills in and overrides, except that an
    approved translation is never replaced by one that is not approved."""
    for name in ("definition", "definition_source"):
        value = getattr(other, name)
        if value:
            setattr(into, name, value)
    into.keep = into.keep or other.keep
    for form in other.forms():
        if compact(form) in {compact(f) for f in into.forms()}:
            _rewrite_form(into, form)  # the later file's writing: "passenger name record" for "Passenger Name Record"
            continue
        if form == other.acronym and not (into.acronym or into.expansion):
            into.acronym = form
        elif form == other.expansion and not (into.acronym or into.expansion):
            into.expansion = form
        else:
            into.variants.append(form)
    known = {(s.heard, s.target) for s in into.sounds_like}
    into.sounds_like.extend(s for s in other.sounds_like if (s.heard, s.target) not in known)
    for lang, new in other.translations.items():
        old = into.translations.get(lang)
        if old is None or new.status == "approved" or old.status != "approved":
            into.translations[lang] = new


def _rewrite_form(concept: Concept, form: str) -> None:
    """Write the concept's form that is ``form`` but for case, hyphens and accents as ``form``."""
    key = compact(form)
    for name in ("term", "acronym", "expansion"):
        value = getattr(concept, name)
        if value and compact(value) == key:
            setattr(concept, name, form)
    concept.variants = [form if compact(v) == key else v for v in concept.variants]


def merge_glossaries(glossaries: Iterable[Glossary]) -> Glossary:
    """One glossary from several; a concept is matched by id, else by its term or acronym."""
    merged = Glossary()
    for glossary in glossaries:
        merged.name = merged.name or glossary.name
        merged.warnings.extend(glossary.warnings)
        for concept in glossary:
            target = merged.get(concept.id) or merged.lookup(concept.term)
            if target is None and concept.acronym:
                target = merged.lookup(concept.acronym)
            if target is None:
                merged.add(dataclasses.replace(
                    concept, variants=list(concept.variants), sounds_like=list(concept.sounds_like),
                    translations=dict(concept.translations)))
            else:
                merge_concept(target, concept)
                merged.index_forms(target)
                merged._files[target.id].add(concept.origin_file)
    return merged


def default_glossary_files(directory: Path | str = "glossary") -> list[Path]:
    """Every glossary file in ``directory`` (YAML, CSV, TBX), sorted by name."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in GLOSSARY_SUFFIXES)


# --- text helpers shared by matching, review and biasing --------------------

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


# --- recognition biasing ---------------------------------------------------

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
