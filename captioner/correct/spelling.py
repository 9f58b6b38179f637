"""Apply the glossary to a transcript: fix terms that recognition got wrong, and log every change.

Spans of up to a term's length plus one word are compared with every written form
of every concept and with its known misrecognitions. Three kinds of evidence, from
strongest to weakest:

1. the span *is* a form once case, accents, dots, spaces and hyphens are ignored
   ("uncct", "U.N.C.C.T.", "terror crime nexus", "interpol") -> write the form
   the glossary's way (rules ``case``, ``acronym``, ``hyphenation``,
   ``diacritics``, ``joining``);
2. the span's words are exactly a known misrecognition ("acronym initiative")
   -> write what it stands for (rule ``sounds_like``);
3. the span is close to a form both in spelling (rapidfuzz) and in sound
   (metaphone and NYSIIS codes of the spoken form, capitals read both as a word
   and as letter names: "comfy eye" ~ "ComfyUI") -> rule ``fuzzy``.

Ordinary words are protected: a span made only of common English words (wordfreq
Zipf >= ``common_zipf``) is never changed on evidence 3, nor re-joined on
evidence 1 ("hot spot" stays, "to go" stays); a single common word is never
changed at all ("hot", "who"); a single rarer word needs a very strong match.
Numbers must match exactly. Word times survive: a span replaced by as many words
keeps each word's times; otherwise the new words share the span's time.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from captioner.glossary.model import Glossary
from captioner.glossary.text import compact, is_acronym, is_common_word, sound_codes, spoken_variants, tokens, zipf
from captioner.model import Correction, Segment, Transcript, Word


@dataclass
class CorrectOptions:
    fuzzy: bool = True  # evidence 3 (spelling and sound); False keeps only exact forms and sounds-like phrases
    min_score: float = 82.0  # mean of spelling and sound similarity (0-100) for a multi-word span
    min_spelling: float = 70.0  # spelling similarity a fuzzy match needs at least
    min_sound: float = 80.0  # sound similarity a fuzzy match needs at least
    single_word_score: float = 90.0  # a span of one word needs this much
    single_word_spelling: float = 80.0
    single_word_min_length: int = 5  # shorter single words are fixed only on exact evidence
    min_fuzzy_form_length: int = 5  # forms shorter than this (letters) are matched exactly only
    common_zipf: float = 4.0  # wordfreq Zipf frequency from which an English word counts as common
    # a lower-case word of up to four letters becomes an acronym only when rarer than this ("sis" stays, "fatf" -> FATF)
    short_acronym_zipf: float = 3.0
    max_span_words: int = 12
    # a word written in capitals that is no glossary form but spells one of its acronyms with
    # letters whose names rhyme ("UNOBC" for UNODC, "VNR" for PNR) -> rule ``letters``
    letters: bool = True
    # a capitalised word that sounds exactly like a rare one-word form and is spelled almost
    # like it ("Lucas" for Lukas) is replaced unless it is this common -> rule ``homophone``
    homophone_max_zipf: float = 4.5
    # ordinary words that spell and sound almost like a term with a rarer word ("Chris Church
    # call" ~ "Christchurch Call") need this much of both; a mere re-split never counts
    ordinary_words_score: float = 90.0


# --- the glossary, prepared for matching ------------------------------------

@dataclass
class _Form:
    text: str  # the form as the glossary writes it
    concept: str
    kind: str  # term, acronym, expansion, variant, sounds_like
    target: str  # what a match is replaced by
    toks: tuple[str, ...]
    key: str
    spoken: list[str]  # compact spoken variants
    codes: list[tuple[str, str]]
    words: int  # how many words it may take to say it
    digits: str


class FormIndex:
    def __init__(self, glossary: Glossary, options: CorrectOptions):
        self.exact: dict[str, list[_Form]] = {}
        self.sounds: dict[tuple[str, ...], _Form] = {}
        self.fuzzy: list[_Form] = []
        self.choices: list[str] = []  # spelling keys for rapidfuzz, with their form
        self.choice_form: list[int] = []
        self.acronyms: dict[int, list[_Form]] = {}  # letters-only acronym forms by length
        self.single_words: dict[tuple[str, str], list[_Form]] = {}  # rare one-word forms by sound codes
        self.forms: list[_Form] = []  # every written form (not the sounds-like ones), once each
        max_words = 1
        for concept in glossary:
            forms = [(f, _kind(concept, f), f) for f in concept.forms()]
            forms += [(heard, "sounds_like", target) for heard, target in concept.sounds_like_pairs()]
            for text, kind, target in forms:
                form = _make_form(text, concept.id, kind, target)
                if not form.key:
                    continue
                max_words = max(max_words, form.words, len(form.toks))
                if kind == "sounds_like":
                    self.sounds.setdefault(form.toks, form)
                else:
                    self.exact.setdefault(form.key, []).append(form)
                    if all(f.text != form.text for f in self.exact[form.key][:-1]):
                        self.forms.append(form)
                if kind != "sounds_like" and form.text.isalpha() and form.text.isupper() and 3 <= len(form.text) <= 7:
                    self.acronyms.setdefault(len(form.text), []).append(form)
                if (kind != "sounds_like" and len(form.toks) == 1 and form.text.isalpha() and not form.text.isupper()
                        and len(form.key) >= options.single_word_min_length
                        and not is_common_word(form.text, options.common_zipf)):
                    self.single_words.setdefault(sound_codes(form.text), []).append(form)
                if (len(form.key) >= options.min_fuzzy_form_length
                        and any(not is_common_word(t, options.common_zipf) or t.isdigit() for t in form.toks)):
                    index = len(self.fuzzy)
                    self.fuzzy.append(form)
                    for key in {form.key, *form.spoken}:
                        self.choices.append(key)
                        self.choice_form.append(index)
        self.max_words = min(max_words + 1, options.max_span_words)


def _kind(concept, form: str) -> str:
    if form == concept.term:
        return "term"
    if form == concept.acronym:
        return "acronym"
    if form == concept.expansion:
        return "expansion"
    return "variant"


def _make_form(text: str, concept: str, kind: str, target: str) -> _Form:
    spoken = spoken_variants(text)
    return _Form(text=text, concept=concept, kind=kind, target=target, toks=tuple(tokens(text)), key=compact(text),
                 spoken=[compact(s) for s in spoken], codes=[sound_codes(s) for s in spoken],
                 words=max(len(s.split()) for s in spoken), digits=_digits(text))


def _digits(text: str) -> str:
    return " ".join(re.findall(r"\d+", text))


# --- transcript words --------------------------------------------------------

_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}")
_POSSESSIVE = re.compile(r"(['’]s)$")


@dataclass
class _Piece:
    lead: str
    core: str
    trail: str


def split_word(text: str) -> _Piece:
    m = re.match(r"^(\W*)(.*?)(\W*)$", text, re.S)
    lead, core, trail = m.group(1), m.group(2), m.group(3)
    if trail.startswith(".") and _DOTTED.fullmatch(core + "."):
        core, trail = core + ".", trail[1:]
    possessive = _POSSESSIVE.search(core)
    if possessive and len(core) > 2:
        core, trail = core[:-2], possessive.group(1) + trail
    return _Piece(lead, core, trail)


@dataclass
class _Candidate:
    start: int
    end: int  # exclusive, word index within the segment
    after: str | None  # None: the span is already right; it only shields its words
    score: float
    rule: str
    concept: str
    tier: int  # 0 exact or sounds-like, 1 fuzzy


def _styled(form_text: str, cores: list[str], aligned: bool, initial: bool = True) -> str:
    """The form as the glossary writes it, keeping the transcript's capital on the first word of
    a lower-case form where a sentence starts ("Returnees" at the start of a sentence stays
    capitalised, "Security Council Resolution 2396" becomes "Security Council resolution 2396")."""
    if not initial or not cores or not cores[0][:1].isupper():
        return form_text
    first = re.search(r"[^\W_]+", form_text)
    if first is None or first.group() != first.group().lower():
        return form_text
    if aligned or form_text[:1].islower():
        return form_text[:first.start()] + first.group()[:1].upper() + form_text[first.start() + 1:]
    return form_text


def _exact_rule(form: _Form, before: str, after: str, aligned: bool) -> str:
    if not aligned:
        if is_acronym(form.text):
            return "acronym"
        return "hyphenation" if len(tokens(before)) < len(form.toks) else "joining"
    if after.casefold() == before.casefold():
        return "case"
    squeeze = lambda s: re.sub(r"[\s\-/]+", "", s).casefold()  # noqa: E731
    if squeeze(after) == squeeze(before):
        return "hyphenation"
    return "diacritics"


def _joinable(word: str, options: CorrectOptions) -> bool:
    """A word that may be glued to its neighbours to make one word of a form ("UN CCT",
    "U.N.C.C.T.", "I 24 7", "Comfy UI"); ordinary words may not ("hot spot", "to go")."""
    return (word.isdigit() or len(word) == 1 or (word.isupper() and word.isalpha())
            or not is_common_word(word, options.common_zipf))


def _regroup(heard: list[str], written: list[str]) -> list[tuple[int, int, int, int]] | None:
    """Pair runs of heard words with runs of written words that spell the same letters:
    ['counterterrorism'] ~ ['counter', 'terrorism']; ['un', 'cct'] ~ ['uncct']."""
    groups = []
    i = j = 0
    while i < len(heard) and j < len(written):
        i0, j0 = i, j
        a, b = heard[i], written[j]
        i, j = i + 1, j + 1
        while a != b:
            if len(a) < len(b) and i < len(heard) and b.startswith(a):
                a, i = a + heard[i], i + 1
            elif len(b) < len(a) and j < len(written) and a.startswith(b):
                b, j = b + written[j], j + 1
            else:
                return None
        groups.append((i0, i, j0, j))
    return groups if i == len(heard) and j == len(written) else None


def _may_regroup(span: list[str], form: _Form, options: CorrectOptions) -> bool:
    """Words of the span may be split differently from the form's only where the span's
    pieces are not ordinary words: 'Counterterrorism' -> 'Counter-Terrorism' and
    'UN CCT' -> 'UNCCT' are fine, 'hot spot' -> 'HOTSPOT' is not."""
    original = re.findall(r"[^\W_]+", " ".join(span))
    folded = tokens(" ".join(span))
    if len(original) != len(folded):
        return False
    groups = _regroup(folded, list(form.toks))
    if groups is None:
        return False
    if form.text == form.text.lower() and form.kind != "acronym":
        return True  # a lower-case compound as the glossary spells it: "crowd funding" -> "crowdfunding"
    return all(i1 - i0 == 1 or all(_joinable(w, options) for w in original[i0:i1]) for i0, i1, _, _ in groups)


def _find_candidates(cores: list[str], blocked: list[bool], index: FormIndex,
                     options: CorrectOptions, starts: list[bool] | None = None,
                     commas: list[bool] | None = None) -> list[_Candidate]:
    """``starts`` marks the words that begin a sentence (where a capital is the sentence's);
    ``commas`` the words after a mere comma, which an exact form may span ("G5, Sahel")."""
    starts = starts or [True] * len(cores)
    commas = commas or [False] * len(cores)
    found: list[_Candidate] = []
    common = [is_common_word(c, options.common_zipf) for c in cores]
    n = len(cores)
    for i in range(n):
        comma_inside = False
        for j in range(i + 1, min(n, i + index.max_words) + 1):
            if blocked[j - 1] and j - 1 > i:
                if not commas[j - 1]:
                    break  # punctuation inside: a span ends at the word that carries it
                comma_inside = True
            span = cores[i:j]
            if not all(span):
                break
            joined = " ".join(span)
            key = compact(joined)
            span_toks = tuple(tokens(joined))
            if comma_inside:
                # recognition put a comma at a pause inside a name: only the exact form of a
                # term with a word that is not ordinary may take the comma out
                if not all(common[i:j]):
                    found.extend(_comma_candidates(span, i, j, key, span_toks, index, options, starts[i]))
                continue
            for form in index.exact.get(key, ()):
                aligned = span_toks == form.toks
                if not aligned and not _may_regroup(span, form, options):
                    continue
                if j - i == 1 and common[i] and span[0].isalpha() and not (aligned and form.text == span[0]):
                    continue  # one ordinary word ("who", "hotspot"... "Spain" only as written)
                if (j - i == 1 and span[0].islower() and len(key) <= 4 and is_acronym(form.text)
                        and zipf(key) >= options.short_acronym_zipf):
                    continue
                after = _styled(form.text, span, aligned, starts[i])
                change = after != joined
                found.append(_Candidate(i, j, after if change else None, 100.0,
                                        _exact_rule(form, joined, after, aligned) if change else "kept",
                                        form.concept, 0))
            sound = index.sounds.get(span_toks)
            if sound is not None:
                after = _styled(sound.target, span, False, starts[i])
                found.append(_Candidate(i, j, after if after != joined else None, 100.0, "sounds_like",
                                        sound.concept, 0))
            if options.fuzzy and (not all(common[i:j]) or _numbered(span)):
                found.extend(_fuzzy(span, i, j, key, index, options, numbered_only=all(common[i:j]),
                                    initial=starts[i]))
            elif options.fuzzy and j - i >= 2:
                found.extend(_fuzzy(span, i, j, key, index, options, ordinary_words=True, initial=starts[i]))
            if options.fuzzy and j - i == 1 and key not in index.exact:
                if options.letters:
                    found.extend(_letters(span[0], i, index))
                found.extend(_homophone(span[0], i, index, options))
    return found


def _comma_candidates(span, i, j, key, span_toks, index, options, initial) -> list[_Candidate]:
    out = []
    for form in index.exact.get(key, ()):
        if form.kind == "sounds_like" or (span_toks != form.toks and not _may_regroup(span, form, options)):
            continue
        after = _styled(form.text, span, span_toks == form.toks, initial)
        out.append(_Candidate(i, j, after, 100.0, "punctuation", form.concept, 0))
    return out


def _numbered(span: list[str]) -> bool:
    """Words and a number: the number, which must match exactly, is the evidence that lets
    ordinary words be corrected ("revolution 2396" -> "resolution 2396")."""
    return any(w.isdigit() for w in span) and any(w.isalpha() for w in span)


# Letters whose English names rhyme, which recognition confuses when an acronym is spelled out.
_LETTER_CLASSES = ("BCDEGPTVZ", "AJK", "FLMNSX", "IY", "QUW")
_LETTER_CLASS = {ch: n for n, group in enumerate(_LETTER_CLASSES) for ch in group}


def _letters(word: str, i: int, index: FormIndex) -> list[_Candidate]:
    """An unknown word in capitals that spells a glossary acronym with rhyming letters
    ("UNOBC" ~ UNODC, "VNR" ~ PNR, "FLTE" ~ SLTD): at most half the letters differ, each
    within its rhyme class; taken only when one acronym fits best."""
    if not (word.isalpha() and word.isupper() and word.isascii()) or len(word) not in index.acronyms:
        return []
    if zipf(word.lower()) >= 4.0:  # a well-known acronym in its own right (FBI, NATO)
        return []
    scored = []
    for form in index.acronyms[len(word)]:
        diffs = 0
        for heard, written in zip(word, form.text):
            if heard == written:
                continue
            if _LETTER_CLASS.get(heard, -1) != _LETTER_CLASS.get(written, -2):
                break
            diffs += 1
        else:
            if 0 < diffs <= len(word) // 2:
                scored.append((diffs, form))
    if not scored:
        return []
    scored.sort(key=lambda x: x[0])
    if len(scored) > 1 and scored[1][0] == scored[0][0] and scored[1][1].concept != scored[0][1].concept:
        return []  # two acronyms fit as well: no evidence for either
    diffs, form = scored[0]
    return [_Candidate(i, i + 1, form.target, round(100.0 - 10 * diffs, 1), "letters", form.concept, 1)]


def _homophone(word: str, i: int, index: FormIndex, options: CorrectOptions) -> list[_Candidate]:
    """A capitalised word that sounds exactly like a rare one-word name of the glossary and is
    spelled almost like it ("Lucas" for Lukas, "Victor" for Viktor)."""
    if not (word.isalpha() and word[:1].isupper() and len(word) >= options.single_word_min_length):
        return []
    if zipf(word.lower()) >= options.homophone_max_zipf:
        return []
    out = []
    for form in index.single_words.get(sound_codes(word), ()):
        if form.text[:1].isupper() and form.text[:1] == word[:1] and fuzz.ratio(word.lower(), form.key) >= 80:
            out.append(_Candidate(i, i + 1, form.target, round(fuzz.ratio(word.lower(), form.key), 1),
                                  "homophone", form.concept, 1))
    return out if len({c.concept for c in out}) == 1 else []


def _fuzzy(span: list[str], i: int, j: int, key: str, index: FormIndex, options: CorrectOptions,
           numbered_only: bool = False, ordinary_words: bool = False, initial: bool = True) -> list[_Candidate]:
    """Spans close to a form in spelling and sound. ``numbered_only``: the span is ordinary words
    and a number, and only forms with that number may match. ``ordinary_words``: the span is
    ordinary words only ("Chris Church call"), and only a form that holds a word that is not
    ordinary, spelled otherwise but almost alike and sounding almost alike, may match."""
    single = j - i == 1
    if single and len(key) < options.single_word_min_length:
        return []
    min_spelling = options.single_word_spelling if single else options.min_spelling
    if ordinary_words:
        min_spelling = options.ordinary_words_score
    hits = process.extract(key, index.choices, scorer=fuzz.ratio, score_cutoff=min_spelling, limit=None)
    best: dict[int, float] = {}
    for _, spelling, pos in hits:
        form_index = index.choice_form[pos]
        best[form_index] = max(best.get(form_index, 0.0), spelling)
    span_digits = _digits(" ".join(span))
    span_codes = sound_codes(key)
    out = []
    for form_index, spelling in best.items():
        form = index.fuzzy[form_index]
        if (j - i > form.words + 1 or form.digits.replace(" ", "") != span_digits.replace(" ", "")
                or (numbered_only and not form.digits)):
            continue
        codes = form.codes
        if span_digits:  # the span's number is written in digits, which sound codes leave out
            codes = [*codes, sound_codes(form.text)]
        sound = max(sound_similarity(span_codes, c) for c in codes)
        score = (spelling + sound) / 2
        if sound < options.min_sound or score < (options.single_word_score if single else options.min_score):
            continue
        if ordinary_words and (sound < options.ordinary_words_score or form.key == key
                               or all(is_common_word(t, options.common_zipf) for t in form.toks)):
            continue
        after = _styled(form.target, span, form.kind != "sounds_like" and len(form.toks) == len(tokens(" ".join(span))),
                        initial)
        if compact(after) == key and after == " ".join(span):
            continue
        out.append(_Candidate(i, j, after, round(score, 1), "fuzzy", form.concept, 1))
    return out


def sound_similarity(a: tuple[str, str], b: tuple[str, str]) -> float:
    if not a[0] or not b[0]:
        return 0.0
    return (fuzz.ratio(a[0], b[0]) + fuzz.ratio(a[1], b[1])) / 2


def _choose(candidates: list[_Candidate], n: int) -> list[_Candidate]:
    """Non-overlapping candidates: exact evidence first (longest span first), then fuzzy by score."""
    # among exact matches of one span, an accepted form already written right wins over a change
    ordered = sorted(candidates, key=lambda c: (c.tier, -(c.end - c.start) if c.tier == 0 else -c.score,
                                                -(c.end - c.start), c.after is not None))
    taken = [False] * n
    chosen = []
    for cand in ordered:
        if any(taken[cand.start:cand.end]):
            continue
        for k in range(cand.start, cand.end):
            taken[k] = True
        if cand.after is not None:
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


def replace_span(words: list[Word], pieces: list[_Piece], cand: _Candidate) -> list[Word]:
    span = words[cand.start:cand.end]
    lead, trail = pieces[cand.start].lead, pieces[cand.end - 1].trail
    if pieces[cand.end - 1].core.endswith(".") and _DOTTED.fullmatch(pieces[cand.end - 1].core) \
            and not cand.after.endswith(".") and cand.end == len(words):
        trail = "." + trail  # a dotted acronym ending the segment also ended the sentence
    new_texts = cand.after.split()
    first, last = span[0], span[-1]
    if len(new_texts) == len(span):
        out = [Word(text=t, start=w.start, end=w.end, probability=w.probability, speaker=w.speaker)
               for t, w in zip(new_texts, span)]
    else:
        total = sum(len(t) for t in new_texts) or 1
        duration = last.end - first.start
        probability = sum(w.probability for w in span) / len(span)
        out, clock = [], first.start
        for k, t in enumerate(new_texts):
            end = last.end if k == len(new_texts) - 1 else round(clock + duration * len(t) / total, 3)
            out.append(Word(text=t, start=clock, end=end, probability=probability, speaker=first.speaker))
            clock = end
    out[0].text = lead + out[0].text
    out[-1].text = out[-1].text + trail
    return out


def _correct_words(words: list[Word], index: FormIndex,
                   options: CorrectOptions) -> tuple[list[Word], list[Correction], list[int]]:
    """The corrected words, the log, and for each corrected word the index of the first
    original word it comes from."""
    pieces = [split_word(w.text) for w in words]
    cores = [p.core for p in pieces]
    # a word whose punctuation or speaker separates it from the next one ends any span
    blocked = [False] + [bool(pieces[k - 1].trail or pieces[k].lead or words[k - 1].speaker != words[k].speaker)
                         for k in range(1, len(words))]
    starts = [True] + [bool(re.search(r"[.?!:…]", pieces[k - 1].trail)) for k in range(1, len(words))]
    commas = [False] + [pieces[k - 1].trail == "," and not pieces[k].lead and words[k - 1].speaker == words[k].speaker
                        for k in range(1, len(words))]
    candidates = _find_candidates(cores, blocked, index, options, starts, commas)
    chosen = _choose(candidates, len(words))
    if not chosen:
        return words, [], list(range(len(words)))
    out: list[Word] = []
    sources: list[int] = []
    log: list[Correction] = []
    pos = 0
    for cand in chosen:
        out.extend(words[pos:cand.start])
        sources.extend(range(pos, cand.start))
        new = replace_span(words, pieces, cand)
        out.extend(new)
        sources.extend([cand.start] * len(new))
        said = " ".join(w.text for w in words[cand.start:cand.end])
        said = said[len(pieces[cand.start].lead):len(said) - len(pieces[cand.end - 1].trail)]
        log.append(Correction(start=words[cand.start].start, end=words[cand.end - 1].end,
                              before=said, after=cand.after,
                              score=cand.score, rule=cand.rule, concept=cand.concept))
        pos = cand.end
    out.extend(words[pos:])
    sources.extend(range(pos, len(words)))
    return out, log, sources


def correct_transcript(transcript: Transcript, glossary: Glossary,
                       options: CorrectOptions | None = None) -> tuple[Transcript, list[Correction]]:
    """A corrected copy of ``transcript`` and the log of every change (also kept in its ``corrections``).

    Consecutive segments are corrected as one run of words, since recognition cuts segments
    wherever its window ends ("crowd" | "funding"); a term that spans a cut stays in the
    first segment.
    """
    options = options or CorrectOptions()
    result = copy.deepcopy(transcript)
    if not len(glossary):
        result.corrections = []
        return result, []
    index = FormIndex(glossary, options)
    log: list[Correction] = []
    run: list[Segment] = []
    for segment in [*result.segments, None]:
        if segment is not None and segment.words:
            run.append(segment)
            continue
        if run:
            log.extend(_correct_run(run, index, options))
            run = []
        if segment is not None:
            words, changes, _ = _correct_text_only(segment, index, options)
            if changes:
                segment.text = " ".join(w.text for w in words)
            log.extend(changes)
    result.segments = [s for s in result.segments if s.words or s.text.strip()]
    result.corrections = log
    return result, log


def _correct_run(run: list[Segment], index: FormIndex, options: CorrectOptions) -> list[Correction]:
    """Correct the words of consecutive segments together and give each segment its words back."""
    words = [w for segment in run for w in segment.words]
    owner = [n for n, segment in enumerate(run) for _ in segment.words]
    out, changes, sources = _correct_words(words, index, options)
    if not changes:
        return []
    for n, segment in enumerate(run):
        mine = [(w, src) for w, src in zip(out, sources) if owner[src] == n]
        if [w for w, _ in mine] == segment.words:
            continue
        first_kept = mine and mine[0][1] == owner.index(n)
        segment.words = [w for w, _ in mine]
        segment.text = " ".join(w.text for w in segment.words)
        if segment.words:
            if not first_kept:  # its first words went to the segment before
                segment.start = segment.words[0].start
            segment.end = max(segment.end, segment.words[-1].end)
    return changes


def _correct_text_only(segment: Segment, index: FormIndex, options: CorrectOptions):
    """A segment without word times: correct its text, logging the segment's times."""
    words = [Word(text=t, start=segment.start, end=segment.end) for t in segment.text.split()]
    return _correct_words(words, index, options)


@dataclass
class TermOccurrence:
    """Where a glossary term is written in a transcript (for review lists and marking terms)."""

    concept: str
    text: str  # the words as written in the transcript, punctuation stripped
    start: float
    end: float
    segment: int  # index into transcript.segments
    first_word: int  # word indices within that segment, end exclusive
    end_word: int


def find_terms(transcript: Transcript, glossary: Glossary, options: CorrectOptions | None = None) -> list[TermOccurrence]:
    """Every span of the transcript's words that is one of the glossary's written forms,
    ignoring case, accents, spaces and hyphens, under the same guards as correction
    (a single ordinary word such as "who" is not taken for WHO). Longest spans win."""
    options = options or CorrectOptions()
    found: list[TermOccurrence] = []
    if not len(glossary):
        return found
    index = FormIndex(glossary, options)
    index.sounds = {}  # what is written, not what it may have been misheard from
    exact_only = CorrectOptions(**{**options.__dict__, "fuzzy": False})
    for seg_no, segment in enumerate(transcript.segments):
        words = segment.words or [Word(text=t, start=segment.start, end=segment.end) for t in segment.text.split()]
        pieces = [split_word(w.text) for w in words]
        cores = [p.core for p in pieces]
        blocked = [False] + [bool(pieces[k - 1].trail or pieces[k].lead or words[k - 1].speaker != words[k].speaker)
                             for k in range(1, len(words))]
        candidates = _find_candidates(cores, blocked, index, exact_only)
        ordered = sorted(candidates, key=lambda c: -(c.end - c.start))
        taken = [False] * len(words)
        for cand in ordered:
            if any(taken[cand.start:cand.end]):
                continue
            for k in range(cand.start, cand.end):
                taken[k] = True
            found.append(TermOccurrence(concept=cand.concept, text=" ".join(cores[cand.start:cand.end]),
                                        start=words[cand.start].start, end=words[cand.end - 1].end,
                                        segment=seg_no, first_word=cand.start, end_word=cand.end))
    found.sort(key=lambda o: (o.segment, o.first_word))
    return found


__all__ = ["CorrectOptions", "TermOccurrence", "correct_transcript", "find_terms"]
