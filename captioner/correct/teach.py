"""What the producer's corrections teach the glossary: sound-alikes to propose.

A word edit whose corrected words hold a glossary term where recognition wrote something else
("a new top order" -> "A View to a Border") proposes what was heard as a sound-alike of that
term; the same mishearing corrected the same way twice (in one recording or across recordings)
proposes it as a sound-alike of the corrected words, a new glossary entry where they are none.
A proposal is left out when the glossary knows it already, when what was heard is itself a
glossary form, or when it is one ordinary English word (every occurrence would be changed: the
glossary check's own rule). `captioner glossary review` lists the proposals and `captioner
glossary accept` writes them; approving one in edit mode records it in the recording's edits file
(`terms`), and every run of that recording applies it at once.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from captioner.clock import clock
from captioner.correct.edits import EDITS_SUFFIX, Edits, load_edits, matching_run, norm, tokens
from captioner.errors import InputFileError
from captioner.glossary.model import Concept, Glossary, SoundsLike
from captioner.glossary.text import compact, is_common_word

TWICE = 2  # the same correction this many times proposes a sound-alike of words the glossary lacks


@dataclass
class Proposal:
    heard: str  # what recognition wrote
    target: str  # what it stands for: a glossary form, or the corrected words
    concept: str | None  # the glossary concept's id; None: a new entry
    where: list[str] = field(default_factory=list)  # "<stem> 0:03" for each correction behind it
    approved_in: list[str] = field(default_factory=list)  # recordings whose edits file approves it

    @property
    def key(self) -> str:
        return _key(self.heard, self.target)

    def to_dict(self) -> dict:
        return {"heard": self.heard, "target": self.target, "concept": self.concept, "where": self.where,
                "approved_in": self.approved_in}


def recording_edits(recordings: Path, warn=None) -> dict[str, Edits]:
    """Each recording's edits (stem -> edits) in a folder; a file that cannot be read is skipped,
    and passed to `warn` with what is wrong with it."""
    found = {}
    for path in sorted(Path(recordings).glob(f"*{EDITS_SUFFIX}")):
        try:
            found[path.name[:-len(EDITS_SUFFIX)]] = load_edits(path)
        except InputFileError as exc:
            if warn is not None:
                warn(f"{exc} (skipped)")
    return found


def proposals(glossary: Glossary, edits: dict[str, Edits]) -> list[Proposal]:
    """The sound-alikes the edits teach, in the order first corrected; none the glossary has."""
    found: dict[str, Proposal] = {}
    for stem, recording in edits.items():
        for edit in recording.words:
            taught = _taught(glossary, edit.said, edit.correct)
            if taught is None:
                continue
            heard, target, concept = taught
            proposal = found.setdefault(_key(heard, target), Proposal(heard, target, concept))
            proposal.where.append(f"{stem} {clock(edit.start)}")
        for term in recording.terms:
            proposal = found.setdefault(_key(term.heard, term.term), Proposal(
                term.heard, term.term, getattr(glossary.lookup(term.term), "id", None)))
            proposal.approved_in.append(stem)
    return [p for p in found.values()
            if not _known(glossary, p) and (p.concept is not None or len(p.where) >= TWICE or p.approved_in)]


def _key(heard: str, target: str) -> str:
    return f"{compact(heard)}>{compact(target)}"


def with_producer_terms(glossary: Glossary | None, edits: Edits | None) -> Glossary | None:
    """The glossary with the sound-alikes the producer approved for this recording (edits `terms`);
    the glossary itself when there are none."""
    if edits is None or not edits.terms:
        return glossary
    taught = Glossary(copy.deepcopy(list(glossary or [])), name=getattr(glossary, "name", None),
                      source_language=getattr(glossary, "source_language", "en"))
    for term in edits.terms:
        add_sound_alike(taught, term.heard, term.term)
    return taught


def add_sound_alike(glossary: Glossary, heard: str, target: str) -> Concept:
    """`heard` as a sound-alike of the concept `target` names (a new concept when none does)."""
    concept = glossary.lookup(target)
    if concept is None:
        concept = Concept(id=new_concept_id(glossary, target), term=target)
        glossary.add(concept)
    if not any(compact(s.heard) == compact(heard) for s in concept.sounds_like):
        concept.sounds_like.append(SoundsLike(heard, None if compact(target) == compact(concept.term) else target))
    return concept


def new_concept_id(glossary: Glossary, term: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", term.casefold()).strip("-") or "term"
    name, n = base, 2
    while glossary.get(name) is not None:
        name, n = f"{base}-{n}", n + 1
    return name


def _taught(glossary: Glossary, said: str, correct: str) -> tuple[str, str, str | None] | None:
    """(heard, target, concept id or None) that one word edit teaches; None when it teaches nothing."""
    heard_tokens, right_tokens = tokens(said), tokens(correct)
    if not heard_tokens or not right_tokens:
        return None
    keys_heard, keys_right = [norm(t) for t in heard_tokens], [norm(t) for t in right_tokens]
    prefix = matching_run(keys_heard, keys_right)
    suffix = min(matching_run(keys_heard[::-1], keys_right[::-1]), min(len(keys_heard), len(keys_right)) - prefix)
    if prefix + suffix >= len(keys_right):
        return None  # nothing but words taken out
    term = _term_in(glossary, right_tokens, prefix, len(right_tokens) - suffix)
    if term is not None:
        first, end, concept = term  # the term may reach into the words both share: those are heard too
        heard = " ".join(_bare(t) for t in heard_tokens[first:len(heard_tokens) - (len(right_tokens) - end)])
        return (heard, concept.term if compact(_words(right_tokens[first:end])) == compact(concept.term)
                else _words(right_tokens[first:end]), concept.id) if heard else None
    heard = " ".join(_bare(t) for t in heard_tokens[prefix:len(heard_tokens) - suffix])
    target = _words(right_tokens[prefix:len(right_tokens) - suffix])
    return (heard, target, None) if heard and target else None


def _term_in(glossary: Glossary, right: list[str], changed_from: int, changed_to: int):
    """The longest glossary form among the corrected words that covers what was changed."""
    for length in range(len(right), 0, -1):
        for first in range(0, len(right) - length + 1):
            end = first + length
            if first > changed_from or end < changed_to:
                continue
            concept = glossary.lookup(_words(right[first:end]))
            if concept is not None:
                return first, end, concept
    return None


def _known(glossary: Glossary, proposal: Proposal) -> bool:
    """The glossary has it already, or it would be a risky sound-alike."""
    heard = compact(proposal.heard)
    if not heard or heard == compact(proposal.target) or glossary.lookup(proposal.heard) is not None:
        return True
    words = proposal.heard.split()
    if len(words) == 1 and is_common_word(words[0]):
        return True
    return any(compact(s.heard) == heard for concept in glossary for s in concept.sounds_like)


def _bare(token: str) -> str:
    return re.sub(r"^[^\w']+|[^\w']+$", "", token).casefold()


def _words(tokens_: list[str]) -> str:
    return " ".join(re.sub(r"^[^\w']+|[^\w'.]+$", "", t) for t in tokens_).strip().rstrip(".")
