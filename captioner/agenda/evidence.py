"""The evidence for agenda alignment: sentences, how each names or speaks of an agenda item,
and how strongly each sentence start looks like the beginning of an item.

All scores are plain numbers; `captioner.agenda.segment` weighs them against each
other to place the items.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from captioner.agenda.items import AgendaItem
from captioner.agenda.terms import (
    STOPWORDS,
    content_stems,
    expand_terms,
    fold,
    generic_expansions,
    is_closing_title,
    is_farewell,
    joined_stems,
    words_of,
)
from captioner.model import Word

SENTENCE_PAUSE = 1.0  # seconds of silence that end a sentence even without punctuation
MAX_SENTENCE_WORDS = 45  # longer runs are cut at their longest pause
ANCHOR_DECAY = (1.0, 0.8, 0.55, 0.3)  # an item's title or speaker is named within its first sentences...
ANCHOR_SECONDS = 25.0  # ...and seconds
CLOSING_CUE = 0.8  # how fully "thank you all / goodbye" names a closing item
TITLE_SATURATION = 0.5  # saying this share of an item's title (by weight) names it fully
PHRASE_JOIN = " "  # stems of a multi-word glossary form, joined: matched when all are in one sentence
OPENING_WITHIN_WORDS = 6  # an opening phrase counts when it begins within the sentence's first words

# Weights of the boundary evidence (set on the sample and on synthetic webinars of our own).
W_PAUSE = 1.5
PAUSE_CAP = 1.5  # pauses far longer than usual say no more (they may be speech recognition skipping)
W_TRANSITION = 1.0
W_SPEAKER = 0.7
W_SHIFT = 0.8

# Phrases a chair uses to open the next item ("let me turn to", "we now move on to").
_OPENING = re.compile(
    r"\b(mov(e|ing) on|turn(ing)? (now )?to|now turn|let('s| us| me) (now )?(turn|move|open|begin|start|go|hear|look)|"
    r"next (speaker|session|item|topic|panel|panellist|panelist|presentation|segment|part|region|question)|"
    r"our (next|last|final|third|second|fourth|fifth|sixth|first) |"
    r"now i(('d| would) like to| invite| give| hand| call| pass)|i('d| would) (now )?like to (invite|welcome|introduce|turn|call|ask|open)|"
    r"welcome (to|back|everyone|everybody|all)|brings us to|we (now )?come to|we now (turn|move|open|go|hear)|"
    r"last but not least|to (conclude|close|wrap)|in closing|before we close|"
    r"good (morning|afternoon|evening))\b")
# Phrases that give a speaker the floor: the item began a little before them.
_HANDOVER = re.compile(
    r"\b(the floor is yours|over to you|floor to you|please (go ahead|start|begin|proceed)|you have the floor|"
    r"give (you )?the floor|"
    r"hand (it )?over to|pass (it )?(over )?to you|the stage is yours)\b")
# Phrases that introduce the next speaker: the item begins with them, and the speaker speaks next.
_INTRODUCE = re.compile(r"\b((pleasure|happy|delighted|honou?red|glad) to (introduce|welcome|invite|give the floor)|"
                        r"(let me|i('d| would) like to|allow me to) (now )?(introduce|invite|welcome))\b")
# How an answer or a reply begins: inside an item, not at its start.
_REPLY = re.compile(r"^\W*(yes|no|yeah|exactly|indeed|absolutely|right|sure|of course|i agree|agreed|"
                    r"good question|that('s| is) (right|true|a good question)|great question)\b")
# Phrases that end a speaker's part.
_CLOSING = re.compile(
    r"\b(back to you|hand (it )?back|that concludes|that('s| is) all (from me|i have)|"
    r"i('ll| will) (stop|end|leave it) (there|here)|thank you for (your|listening|having)|thanks for (your|listening|having))\b")
_THANKS_FIRST = re.compile(r"^\W*(thank(s| you)|many thanks)\b")


@dataclass
class Sentence:
    start: float
    end: float
    text: str
    speaker: str | None = None
    gap_before: float = 0.0
    stems: list[str] = field(default_factory=list)


def split_sentences(words: list[Word]) -> list[Sentence]:
    """Sentences from timed words: ended by sentence punctuation, a long pause or a new speaker."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if not word.text.strip():
            continue
        if current:
            gap = word.start - current[-1].end
            if (current[-1].ends_sentence or gap >= SENTENCE_PAUSE
                    or (word.speaker is not None and current[-1].speaker is not None
                        and word.speaker != current[-1].speaker)):
                groups.append(current)
                current = []
        current.append(word)
    if current:
        groups.append(current)
    pieces: list[list[Word]] = []
    for group in groups:
        pieces.extend(_cut_long(group))
    sentences = []
    previous_end = 0.0
    for group in pieces:
        text = " ".join(w.text.strip() for w in group)
        speakers = Counter(w.speaker for w in group if w.speaker)
        sentences.append(Sentence(
            start=group[0].start, end=max(group[-1].end, group[0].start), text=text,
            speaker=speakers.most_common(1)[0][0] if speakers else None,
            gap_before=max(0.0, group[0].start - previous_end), stems=content_stems(text) + joined_stems(text)))
        previous_end = max(previous_end, group[-1].end)
    return sentences


def _cut_long(words: list[Word]) -> list[list[Word]]:
    if len(words) <= MAX_SENTENCE_WORDS:
        return [words]
    gaps = [words[i + 1].start - words[i].end for i in range(len(words) - 1)]
    lo, hi = len(words) // 4, 3 * len(words) // 4
    cut = max(range(lo, hi), key=lambda i: (gaps[i], words[i].text.endswith((",", ";", ":")))) + 1
    return _cut_long(words[:cut]) + _cut_long(words[cut:])


@dataclass
class _ItemTerms:
    content: dict[str, float]  # every word of the item: what its speech is about
    title: dict[str, float]  # how a chair introduces it: title words, their expansions, speakers' names
    own_title: set[str]  # the title's own words
    names: set[str]  # the speakers' names


def _item_terms(item: AgendaItem, parent: AgendaItem | None, glossary: Any) -> _ItemTerms:
    """The stems that stand for an item, weighted: title words count most."""
    content: dict[str, float] = {}
    title: dict[str, float] = {}

    def add(terms: dict[str, float], text_or_stems: str | set[str], weight: float) -> None:
        stems = content_stems(text_or_stems) if isinstance(text_or_stems, str) else text_or_stems
        for s in stems:
            terms[s] = max(terms.get(s, 0.0), weight)

    def add_form(terms: dict[str, float], form: str, weight: float) -> None:
        """A glossary form: one word is a term, several a phrase that must be said whole."""
        stems = content_stems(form)
        if len(stems) == 1:
            add(terms, set(stems), weight)
        elif stems:
            key = PHRASE_JOIN.join(stems)
            terms[key] = max(terms.get(key, 0.0), weight)

    for terms in (content, title):
        add(terms, item.title, 1.0)
        add(terms, generic_expansions(item.title), 0.5)
        for form in expand_terms(glossary, item.title):
            add_form(terms, form, 0.6)
        if parent is not None:  # a sub-item is also about its parent's subject, a little
            add(terms, parent.title, 0.3)
    add(content, " ".join(item.keywords), 0.9)
    add(content, item.description, 0.6)
    for form in expand_terms(glossary, " ".join([item.description, " ".join(item.keywords)])):
        add_form(content, form, 0.6)
    names: set[str] = set()
    for name in item.speakers:
        names.update(content_stems(name))
    add(title, names, 0.6)
    return _ItemTerms(content=content, title=title, own_title=set(content_stems(item.title)), names=names)


class _Vocabulary:
    """The stems of a transcript, for matching an agenda term: the same stem (1.0), one a prefix of
    the other when both are long ("africa"/"african", 0.8), or a near spelling, which is how speech
    recognition gets names wrong (0.6)."""

    def __init__(self, words: list[str]):
        self.words = words
        self.index = {word: v for v, word in enumerate(words)}
        self.single = sorted((word, v) for v, word in enumerate(words) if PHRASE_JOIN not in word)
        self.single_words = [word for word, _ in self.single]

    def match(self, term: str) -> dict[int, float]:
        from rapidfuzz import fuzz, process

        if PHRASE_JOIN in term:
            return {self.index[term]: 1.0} if term in self.index else {}
        hits: dict[int, float] = {}
        if len(term) >= 6:
            for _, _, position in process.extract(term, self.single_words, scorer=fuzz.ratio, score_cutoff=85,
                                                  limit=None):
                hits[self.single[position][1]] = 0.6
        if len(term) >= 5:
            position = bisect.bisect_left(self.single_words, term)  # words that begin with the term
            while position < len(self.single_words) and self.single_words[position].startswith(term):
                hits[self.single[position][1]] = 0.8
                position += 1
            for end in range(5, len(term)):  # words that the term begins with
                if term[:end] in self.index:
                    hits[self.index[term[:end]]] = 0.8
        if term in self.index:
            hits[self.index[term]] = 1.0
        return hits


def similarity(agenda_items: list[AgendaItem], parents: list[AgendaItem | None], sentences: list[Sentence],
               glossary: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Two matrices [sentence, item]: how much a sentence speaks of an item (0..2), and how fully it
    names the item by its title or speaker (0..1)."""
    n, k = len(sentences), len(agenda_items)
    items = [_item_terms(item, parent, glossary) for item, parent in zip(agenda_items, parents)]
    phrases = sorted({t for entry in items for t in (*entry.content, *entry.title) if PHRASE_JOIN in t})
    vocabulary = sorted({s for sentence in sentences for s in sentence.stems}) + phrases
    index = {word: v for v, word in enumerate(vocabulary)}
    matcher = _Vocabulary(vocabulary)
    present = np.zeros((n, len(vocabulary)))
    for i, sentence in enumerate(sentences):
        said = set(sentence.stems)
        for s in said:
            present[i, index[s]] = 1.0
        for phrase in phrases:
            if said.issuperset(phrase.split(PHRASE_JOIN)):
                present[i, index[phrase]] = 1.0
    sentence_df = present.sum(axis=0).clip(min=1)
    spread = np.log1p(n / sentence_df) / math.log1p(n)  # words said everywhere place nothing
    # "Thank you, Maria" names the speaker who has just finished, not the one to come.
    thanks = np.array([bool(_THANKS_FIRST.search(" ".join(words_of(s.text)))) for s in sentences])
    matches: dict[str, dict[int, float]] = {}

    def weigh(pick) -> tuple[np.ndarray, np.ndarray, list[float]]:
        term_items = Counter(t for entry in items for t in pick(entry))
        weights = np.zeros((len(vocabulary), k))
        name_weights = np.zeros((len(vocabulary), k))
        own_total = []
        for j, entry in enumerate(items):
            total = 0.0
            for term, weight in pick(entry).items():
                if term not in matches:
                    matches[term] = matcher.match(term)
                item_idf = math.log((k + 1) / term_items[term])
                if term in entry.own_title:
                    total += weight * item_idf
                target = name_weights if term in entry.names else weights
                for v, strength in matches[term].items():
                    target[v, j] = max(target[v, j], weight * strength * item_idf * spread[v])
            own_total.append(total)
        return weights, name_weights, own_total

    weights, name_weights, _ = weigh(lambda entry: entry.content)
    content = present @ weights + (present * ~thanks[:, None]) @ name_weights
    positive = content[content > 0]
    scale = float(np.percentile(positive, 90)) if positive.size else 1.0
    content = np.clip(content / max(scale, 1e-9), 0.0, 2.0) / np.maximum(_items_named(content), 1)

    weights, name_weights, own_total = weigh(lambda entry: entry.title)
    title = present @ weights + (present * ~thanks[:, None]) @ name_weights
    # The share of the title said, saturating: a one-word title must be said, of a longer one
    # the distinctive part ("the Gulf of Guinea" for "Piracy in the Gulf of Guinea") is enough.
    own_count = np.array([max(len(entry.own_title), 1) for entry in items])
    saturation = np.minimum(1.0, TITLE_SATURATION + (1 - TITLE_SATURATION) / own_count)
    title = np.clip(title / (saturation * np.maximum(np.array(own_total), 1e-3))[None, :], 0.0, 1.0)
    farewells = np.array([is_farewell(sentence.text) for sentence in sentences])
    for j, item in enumerate(agenda_items):  # "Thank you all ... goodbye" names a closing item
        if is_closing_title(item.title):
            title[farewells, j] = np.maximum(title[farewells, j], CLOSING_CUE)
    # A sentence naming several items is an overview ("today: Europe, Africa and the Balkans"),
    # not the start of any one of them.
    title = title / np.maximum(_items_named(title), 1)
    return content, title


def _items_named(similarity: np.ndarray) -> np.ndarray:
    strongest = similarity.max(axis=1, keepdims=True)
    return ((similarity > 0.5 * strongest) & (similarity > 0)).sum(axis=1, keepdims=True)


def boundary_evidence(sentences: list[Sentence]) -> np.ndarray:
    """E[j]: evidence that a new agenda item begins at sentence j, whichever item it is."""
    n = len(sentences)
    evidence = np.zeros(n)
    gaps = np.array([s.gap_before for s in sentences[1:]]) if n > 1 else np.zeros(0)
    median, spread = (float(np.median(gaps)), max(float(np.percentile(gaps, 95) - np.median(gaps)), 0.3)) \
        if gaps.size else (0.0, 1.0)
    texts = [" ".join(words_of(s.text)) for s in sentences]
    opening = [_opens(t) for t in texts]
    handover = [bool(_HANDOVER.search(t)) for t in texts]
    introduces = [bool(_INTRODUCE.search(t)) for t in texts]
    closing = [bool(_CLOSING.search(t)) for t in texts]
    thanks = [bool(_THANKS_FIRST.search(t)) for t in texts]
    replies = [bool(_REPLY.search(t)) for t in texts]
    addresses = [_addresses(s.text) for s in sentences]
    asks = [s.text.rstrip().endswith("?") for s in sentences]
    shift = _vocabulary_shift(sentences)
    for j in range(1, n):
        pause = min(max((sentences[j].gap_before - median) / spread, 0.0), PAUSE_CAP)
        transition = 0.0
        if opening[j] or introduces[j]:
            transition += 1.0
        elif addresses[j]:
            transition += 0.6  # "Ahmed, you planned security for ...": the chair turns to a panellist
        elif j + 1 < n and opening[j + 1] and (thanks[j] or len(texts[j].split()) <= 6):
            transition += 0.8  # "Thank you, Maria." then "We now move on to ..."
        if thanks[j] and not (handover[j - 1] or introduces[j - 1]):
            transition += 0.6  # the chair thanks the last speaker
        if any(handover[j: j + 3]) and not (handover[j - 1] or introduces[j - 1]):
            transition += 0.4  # the floor is given a little after the item begins
        if handover[j - 1] or introduces[j - 1]:
            transition -= 1.0  # the sentence after "over to you" is the new speaker, inside the item
        elif (asks[j - 1] or addresses[j - 1] or replies[j]) and not opening[j]:
            transition -= 0.6  # an answer follows a question inside an item
        if closing[j - 1]:
            transition += 0.7
        speaker = 0.0
        if sentences[j].speaker and sentences[j - 1].speaker:
            speaker = 1.0 if sentences[j].speaker != sentences[j - 1].speaker else -0.3
        evidence[j] = W_PAUSE * pause + W_TRANSITION * transition + W_SPEAKER * speaker + W_SHIFT * shift[j]
    return evidence


_NOT_NAMES = frozenset("""yes no so well now today then first second third finally however indeed also and but okay ok
thanks again here there sorry please friends colleagues everyone everybody ladies gentlemen excellencies dear
good great right sure look listen honestly frankly again meanwhile moreover furthermore secondly firstly lastly
""".split())


def _addresses(text: str) -> bool:
    """Does the sentence begin by addressing someone by name ("Luis, you work on ...")?"""
    match = re.match(r"\W*([A-Z][\w'’-]+)(?: [A-Z][\w'’-]+)?,\s+(.*)", text)
    if not match or fold(match.group(1)) in _NOT_NAMES or fold(match.group(1)) in STOPWORDS:
        return False
    rest = " " + " ".join(words_of(match.group(2))) + " "
    return " you " in rest or " your " in rest or text.rstrip().endswith("?")


def _opens(text: str) -> bool:
    """A chair's opening phrase near the start of the sentence ("Thank you. We now turn to ...")."""
    match = _OPENING.search(text)
    return bool(match) and len(text[: match.start()].split()) <= OPENING_WITHIN_WORDS


def _vocabulary_shift(sentences: list[Sentence], window_words: int = 60) -> np.ndarray:
    """For each sentence start, how different the words before and after it are (0..1)."""
    n = len(sentences)
    shift = np.zeros(n)
    if n < 3:
        return shift
    df = Counter(s for sentence in sentences for s in set(sentence.stems))

    def window(indices) -> tuple[Counter, int]:
        bag: Counter = Counter()
        total = 0
        for i in indices:
            bag.update(sentences[i].stems)
            total += len(sentences[i].stems)
            if total >= window_words:
                break
        return bag, total

    raw = np.zeros(n)
    filled = np.ones(n)  # near the ends a window holds few words, and its similarity says little
    for j in range(1, n):
        (left, left_total), (right, right_total) = window(range(j - 1, -1, -1)), window(range(j, n))
        filled[j] = min(1.0, min(left_total, right_total) / window_words)
        dot = sum(left[w] * right[w] * math.log(1 + n / df[w]) ** 2 for w in left.keys() & right.keys())
        norm_l = math.sqrt(sum((c * math.log(1 + n / df[w])) ** 2 for w, c in left.items()))
        norm_r = math.sqrt(sum((c * math.log(1 + n / df[w])) ** 2 for w, c in right.items()))
        raw[j] = dot / (norm_l * norm_r) if norm_l and norm_r else 0.0
    # depth of each valley, as in TextTiling: how far the similarity drops below its neighbours' peaks
    for j in range(1, n):
        left_peak = max(raw[max(1, j - 4): j + 1])
        right_peak = max(raw[j: min(n, j + 5)])
        shift[j] = ((left_peak - raw[j]) + (right_peak - raw[j])) * filled[j]
    top = shift.max()
    return shift / top if top > 0 else shift


def anchor(title_similarity: np.ndarray, sentences: list[Sentence]) -> np.ndarray:
    """A[j, item]: the item's title or speaker said within the first sentences from j on.

    Flat over a short window, so that it says "the item begins about here" and the
    boundary evidence decides at which sentence exactly.
    """
    n, k = title_similarity.shape
    result = title_similarity.copy()
    for offset, decay in enumerate(ANCHOR_DECAY[1:], start=1):
        shifted = np.zeros_like(title_similarity)
        shifted[: n - offset] = title_similarity[offset:] * decay
        reachable = np.array([j + offset < n and sentences[j + offset].start - sentences[j].start <= ANCHOR_SECONDS
                              for j in range(n)])
        result = np.maximum(result, shifted * reachable[:, None])
    return result
