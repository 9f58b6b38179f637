"""Content words for matching agenda items to speech: tokens, a light stemmer, expansions.

The stemmer only has to map the forms a speaker and an agenda use for the same
idea onto one key ("operations"/"operation", "returning"/"return"); it need
not produce words.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from captioner.glossary.text import fold

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each either else ever every few for from
further had has have having he her here hers herself him himself his how however i if in into is it its
itself just let lets like may me might more most much must my myself no nor not now of off on once only
or other our ours ourselves out over own per please same she should since so some such than that the
their theirs them themselves then there these they this those through thus to too under until up upon
us very via was we were what when where whether which while who whom whose why will with within without
would yes yet you your yours yourself yourselves one two three also well really today thank thanks
okay ok oh um uh mr mrs ms dr going get got make made say said see seen know think want way s t ll ve re
d m o go like first next part session item
""".split())

# Words that agenda titles use for the standard parts of a meeting, and what a
# speaker says in those parts instead.
GENERIC_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "introduction": ("welcome", "introduce", "good morning", "good afternoon", "good evening", "hello", "opening"),
    "opening": ("welcome", "introduce", "good morning", "good afternoon", "good evening", "hello", "open"),
    "welcome": ("welcome", "good morning", "good afternoon", "good evening", "hello"),
    "remarks": ("remark",),
    "q&a": ("question", "answer", "ask", "audience"),
    "qa": ("question", "answer", "ask", "audience"),
    "questions": ("question", "answer", "ask", "audience"),
    "discussion": ("discuss", "discussion", "dialogue", "panel", "debate"),
    "dialogue": ("discuss", "discussion", "dialogue"),
    "panel": ("panel", "panellist", "panelist", "discussion"),
    "closing": ("close", "conclude", "conclusion", "wrap", "summary", "summarise", "summarize", "goodbye", "bye"),
    "conclusion": ("close", "conclude", "conclusion", "wrap", "summary", "summarise", "summarize", "goodbye", "bye"),
    "conclusions": ("close", "conclude", "conclusion", "wrap", "summary", "summarise", "summarize", "goodbye", "bye"),
    "wrap": ("close", "conclude", "conclusion", "wrap", "summary", "goodbye", "bye"),
    "keynote": ("keynote", "address"),
    "presentation": ("present", "presentation", "slide"),
    "break": ("break", "coffee", "pause"),
}

_TOKEN = re.compile(r"[^\W_]+(?:['’&][^\W_]+)*", re.UNICODE)
_SUFFIXES = ("ational", "ations", "ation", "ingly", "ements", "ement", "ments", "ment", "ness", "ings", "ing",
             "ions", "ion", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    word = fold(word)
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                word += "y"
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiousl":  # "planned" -> "plan"
        word = word[:-1]
    return word.rstrip("e") if len(word) > 5 else word


def words_of(text: str) -> list[str]:
    """The words of a text, folded, with '&' kept inside words (Q&A) and hyphens splitting."""
    return [m.group(0) for m in _TOKEN.finditer(fold(text).replace("-", " ").replace("/", " "))]


def content_stems(text: str) -> list[str]:
    """Stems of the content words of a text, in order (repeats kept)."""
    out = []
    for word in words_of(text):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.append(stem(word))
    return out


def joined_stems(text: str) -> list[str]:
    """Stems of each two neighbouring content words written as one ("front line" -> frontline,
    "data base" -> database): recognition writes a compound as two words where a title has one."""
    words = [w for w in words_of(text) if w.isalpha()]
    return [stem(a + b) for a, b in zip(words, words[1:])
            if a not in STOPWORDS and b not in STOPWORDS and len(a) + len(b) >= 6]


def generic_expansions(text: str) -> set[str]:
    """Stems of what speakers say for the standard agenda words in this text (Q & A -> question, answer)."""
    folded = fold(text)
    keys = set(words_of(folded))
    if re.search(r"\bq\s*(?:&|and)\s*a\b", folded):
        keys.add("q&a")
    out: set[str] = set()
    for key in keys:
        for phrase in GENERIC_EXPANSIONS.get(key, ()):
            out.update(content_stems(phrase))
    return out


# How the closing part of a meeting sounds, whatever its title calls it.
CLOSING_TITLE = re.compile(r"\b(clos(e|ing)|conclu(de|ding|sion|sions)|wrap|farewell|end of (the )?(session|meeting))\b")
FAREWELL = re.compile(r"\b(thank(s| you) (all|everyone|everybody|to (all|every))|(good)?bye|see you|farewell|"
                      r"(this|that) (concludes|brings us to the end)|we are out of time|that('s| is) all for today)\b")


def is_closing_title(title: str) -> bool:
    """Is this the closing item of a meeting, by its title ("Closing remarks", "Conclusions")?"""
    return bool(CLOSING_TITLE.search(fold(title)))


def is_farewell(sentence: str) -> bool:
    """Is this how a closing part begins or ends ("Thank you all ...", "Goodbye")?"""
    return bool(FAREWELL.search(" ".join(words_of(sentence))))


def expand_terms(glossary: Any, text: str) -> set[str]:
    """Every form of every glossary concept that the text mentions (acronym <-> expansion, variants).

    Duck-typed over the glossary: it may offer ``expand(text)`` or ``forms_in(text)``
    returning strings, or concepts (``glossary.concepts`` or iterating the glossary)
    whose attributes hold the forms. Returns the forms as written, not stemmed.
    """
    if glossary is None or not text.strip():
        return set()
    for method in ("expand_terms", "expand", "forms_in"):
        hook = getattr(glossary, method, None)
        if callable(hook):
            return {str(form) for form in hook(text)}
    folded = " " + " ".join(words_of(text)) + " "
    found: set[str] = set()
    for concept in _concepts(glossary):
        forms = _forms(concept)
        if any(_mentions(folded, form) for form in forms):
            found.update(forms)
    return found


_FORM_ATTRIBUTES = ("term", "preferred", "name", "acronym", "acronyms", "abbreviation", "expansion", "expansions",
                    "variants", "aliases", "synonyms")


def _concepts(glossary: Any) -> Iterable[Any]:
    concepts = getattr(glossary, "concepts", None)
    if concepts is None:
        concepts = glossary
    if isinstance(concepts, dict):
        concepts = concepts.values()
    try:
        return list(concepts)
    except TypeError:
        return []


def _forms(concept: Any) -> set[str]:
    forms: set[str] = set()
    method = getattr(concept, "forms", None)
    if callable(method):  # captioner.glossary.model.Concept: term, acronym, expansion, variants
        forms.update(f for f in method() if isinstance(f, str))
    for heard in getattr(concept, "sounds_like", None) or ():
        # what recognition writes instead, when it is a phrase (single words are too often other words)
        text = heard if isinstance(heard, str) else getattr(heard, "heard", None)
        if isinstance(text, str) and len(text.split()) >= 2:
            forms.add(text)
    for attribute in _FORM_ATTRIBUTES:
        value = concept.get(attribute) if isinstance(concept, dict) else getattr(concept, attribute, None)
        if isinstance(value, str):
            forms.add(value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            forms.update(v for v in value if isinstance(v, str))
    return {f for f in forms if f.strip()}


def _mentions(folded_text: str, form: str) -> bool:
    words = words_of(form)
    return bool(words) and f" {' '.join(words)} " in folded_text
