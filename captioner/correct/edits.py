"""A producer's corrections to the words, kept in `recordings/<stem>.edits.yaml` and re-applied on
every run, whatever model or glossary made the words that run.

    # Corrections to the words of view-to-a-border, re-applied on every run (captioner edit).
    words:
      - start: 3.12              # where the words replaced were said (seconds)
        end: 4.05
        said: a Muta border      # what recognition wrote there
        correct: A View to a Border
        before: welcome to       # the words around them, to find the place again
        after: a webinar series
    timing:
      - start: 61.2              # the producer's timing for these words (a re-timed cue)
        end: 64.0
        words: The same is true in West Africa
    speakers:
      - start: 88.0              # who said the words of this span (a turn given to the wrong voice)
        end: 95.5
        speaker: Amina Diallo
    chapters:
      - title: II. The Accra Initiative   # the agenda's title
        start: 131.5                       # where it starts (kept exactly, as an agenda start time is)
        rename: The Accra Initiative, three years on
    terms:
      - heard: a new top order           # a sound-alike the producer approved (correct.teach):
        term: A View to a Border         # corrected wherever recognition writes it in this recording

An edit is found again near its time (within `SEARCH_SECONDS`) by its words, `said` first, then
`correct` (a run whose recognition already gets it right), with the words around it deciding
between candidates; failing both (another model heard it otherwise), by the words around it: what
lies between `before` and `after` there, or else what was said within the edit's span next to one
of them, is replaced. New words share the time of the words they replace
until the speech model times them from the audio (correct.edit_timing, on every run); a timing
edit spreads its words over the producer's span. An edit that cannot be placed is reported with
its time and text, never dropped silently.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from captioner.clock import clock
from captioner.errors import InputFileError
from captioner.fileio import read_input_text, write_text_atomic
from captioner.model import Chapter, Segment, Transcript, Word

EDITS_SUFFIX = ".edits.yaml"
_NEEDS = {"words": "said, correct", "timing": "words", "speakers": "speaker"}
SEARCH_SECONDS = 3.0
TIME_TOLERANCE = 0.15  # seconds: two models' times for the same word differ about this much
ANCHOR_SECONDS = 0.5  # a word of the context this near the edit's edge marks it
RETIMED_SEARCH_SECONDS = 10.0  # a re-timed cue's words may lie this far from their new time
CONTEXT_WORDS = 3
MAX_EDITS_BYTES = 2_000_000


@dataclass
class WordEdit:
    start: float
    end: float
    said: str
    correct: str
    before: str = ""
    after: str = ""


@dataclass
class TimingEdit:
    start: float
    end: float
    words: str


@dataclass
class SpeakerEdit:
    start: float
    end: float
    speaker: str


@dataclass
class ChapterEdit:
    title: str  # the chapter as the agenda names it
    start: float | None = None  # where it starts (None: where the run places it)
    rename: str = ""  # the title to show instead ("" keeps it)


@dataclass
class TermApproval:
    heard: str  # what recognition writes
    term: str  # what it stands for


@dataclass
class Edits:
    words: list[WordEdit] = field(default_factory=list)
    timing: list[TimingEdit] = field(default_factory=list)
    speakers: list[SpeakerEdit] = field(default_factory=list)
    chapters: list[ChapterEdit] = field(default_factory=list)
    terms: list[TermApproval] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.words or self.timing or self.speakers or self.chapters or self.terms)


@dataclass
class EditedRun:
    words: list[Word]  # the new words, as placed in the transcript
    replaced: tuple[float, float] | None  # the time of the words they replaced; None: an insertion


@dataclass
class Applied:
    applied: int = 0
    already: int = 0  # the words were already as corrected
    not_placed: list[str] = field(default_factory=list)
    edited: list[EditedRun] = field(default_factory=list)  # the new words of each word edit placed
    timed: int = 0  # of those, how many the speech model then timed (correct.edit_timing)

    def to_dict(self) -> dict:
        return {"applied": self.applied, "already_right": self.already, "not_placed": self.not_placed,
                "timed_from_audio": self.timed}


def edits_path(media_path: Path) -> Path:
    media_path = Path(media_path)
    return media_path.with_name(media_path.stem + EDITS_SUFFIX)


def load_edits(path: Path) -> Edits:
    """The edits file; InputFileError says what is wrong and where."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    text = read_input_text(Path(path), "edits file", MAX_EDITS_BYTES)
    try:
        data = YAML(typ="safe").load(text) or {}
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise InputFileError(f"{path}{line}: not valid YAML; fix it or remove the edit") from None
    if not isinstance(data, dict) or set(data) - {"words", "timing", "speakers", "chapters", "terms"}:
        raise InputFileError(f"{path}: an edits file has 'words', 'timing', 'speakers', 'chapters' and 'terms' "
                             "lists only")
    edits = Edits()
    for kind, cls, target in (("words", WordEdit, edits.words), ("timing", TimingEdit, edits.timing),
                              ("speakers", SpeakerEdit, edits.speakers)):
        for index, entry in enumerate(data.get(kind) or []):
            try:
                item = cls(**{k: (str(v) if isinstance(v, str) or v is None else v) for k, v in entry.items()})
                item.start, item.end = float(item.start), float(item.end)
            except (TypeError, ValueError, AttributeError):
                raise InputFileError(f"{path}: entry {index + 1} of '{kind}' needs start, end and "
                                     f"{_NEEDS[kind]}") from None
            target.append(item)
    for index, entry in enumerate(data.get("chapters") or []):
        try:
            item = ChapterEdit(str(entry["title"]), None if entry.get("start") is None else float(entry["start"]),
                               str(entry.get("rename") or ""))
        except (TypeError, ValueError, KeyError, AttributeError):
            raise InputFileError(f"{path}: entry {index + 1} of 'chapters' needs a title, "
                                 "and a start or a rename") from None
        edits.chapters.append(item)
    for index, entry in enumerate(data.get("terms") or []):
        try:
            term = TermApproval(str(entry["heard"]).strip(), str(entry["term"]).strip())
        except (TypeError, KeyError, AttributeError):
            term = None
        if term is None or not term.heard or not term.term:
            raise InputFileError(f"{path}: entry {index + 1} of 'terms' needs 'heard' and 'term'")
        edits.terms.append(term)
    return edits


def save_edits(path: Path, edits: Edits, stem: str) -> None:
    import io

    from ruamel.yaml import YAML

    body = {"words": [asdict(e) for e in edits.words], "timing": [asdict(e) for e in edits.timing],
            "speakers": [asdict(e) for e in edits.speakers], "chapters": [asdict(e) for e in edits.chapters],
            "terms": [asdict(e) for e in edits.terms]}
    header = (f"# Corrections to the words of {stem}, re-applied on every run (captioner edit).\n"
              "# Each is found again near its time by its words; one that cannot be is reported.\n")
    dumper = YAML()  # round-trip: keys in the order written (start, end, said, correct, ...)
    dumper.default_flow_style = False
    dumper.allow_unicode = True
    dumper.width = 100
    out = io.StringIO()
    dumper.dump(body, out)
    write_text_atomic(Path(path), header + out.getvalue())


def merge_edits(old: Edits, new: Edits) -> Edits:
    """The old edits, with those at the same place (start and end within 0.05 s) replaced by the new."""
    def same(a, b) -> bool:
        return abs(a.start - b.start) < 0.05 and abs(a.end - b.end) < 0.05

    words = [e for e in old.words if not any(same(e, n) for n in new.words)] + new.words
    timing = [e for e in old.timing if not any(same(e, n) for n in new.timing)] + new.timing
    speakers = [e for e in old.speakers if not any(same(e, n) for n in new.speakers)] + new.speakers
    chapters = {e.title: e for e in old.chapters}
    for e in new.chapters:  # a later edit of a chapter adds to the earlier one
        before = chapters.get(e.title)
        chapters[e.title] = ChapterEdit(e.title, e.start if e.start is not None else (before.start if before else None),
                                        e.rename or (before.rename if before else ""))
    terms = list(old.terms) + [t for t in new.terms if t not in old.terms]
    return Edits(sorted(words, key=lambda e: e.start), sorted(timing, key=lambda e: e.start),
                 sorted(speakers, key=lambda e: e.start), list(chapters.values()), terms)


def context(words: list[Word], first: int, end: int) -> tuple[str, str]:
    """The CONTEXT_WORDS words before words[first:end] and after them, as an edit keeps them."""
    return (" ".join(w.text for w in words[max(0, first - CONTEXT_WORDS):first]),
            " ".join(w.text for w in words[end:end + CONTEXT_WORDS]))


def norm(token: str) -> str:
    return re.sub(r"[^\w']+", "", token.casefold())


def tokens(text: str) -> list[str]:
    return [t for t in text.split() if norm(t)]


def apply_edits(transcript: Transcript, edits: Edits) -> Applied:
    """Apply the edits to the transcript's words in place."""
    result = Applied()
    for edit in sorted(edits.words, key=lambda e: e.start):
        words = transcript.words
        said = [norm(w.text) for w in words]
        found = _find(words, said, tokens(edit.said), edit)
        if found is None:
            if _find(words, said, tokens(edit.correct), edit) is not None:
                result.already += 1
                continue
            found = _between_context(words, said, edit) or _at_its_time(words, said, edit)
        if found is None:
            result.not_placed.append(f"{clock(edit.start)} '{edit.said}' -> '{edit.correct}': "
                                     "neither those words nor the words around them are there any more")
            continue
        first, last = found
        result.edited.append(_replace(transcript, first, last, tokens(edit.correct), edit))
        result.applied += 1
    for edit in edits.timing:
        words = transcript.words
        found = _find(words, [norm(w.text) for w in words], tokens(edit.words), edit)
        if found is None:
            result.not_placed.append(f"{clock(edit.start)} timing of '{edit.words}': those words are no longer there")
            continue
        retimed = words[found[0]:found[1] + 1]
        _spread(retimed, edit.start, edit.end)
        result.applied += 1
        gone = {id(w) for w in retimed}  # the producer's timing stands: the model does not time these again
        result.edited = [run for run in result.edited if not any(id(w) in gone for w in run.words)]
    return result


def apply_chapter_edits(chapters: list[Chapter], edits: Edits) -> list[str]:
    """The producer's chapter starts and titles, on the chapters the agenda gave (in place); the
    edits that could not be placed (no such chapter, or a start out of order)."""
    problems = []
    for edit in edits.chapters:
        index = next((k for k, c in enumerate(chapters) if c.title == edit.title), None)
        if index is None:
            problems.append(f"chapter '{edit.title}': no such chapter in this run")
            continue
        chapter = chapters[index]
        if edit.start is not None:
            same_level = [c for c in chapters if c.level == chapter.level]
            k = same_level.index(chapter)
            low = same_level[k - 1].start if k > 0 else -1.0
            high = same_level[k + 1].start if k + 1 < len(same_level) else float("inf")
            if not low < edit.start < high:
                problems.append(f"chapter '{edit.title}' at {clock(edit.start)}: not between the chapters "
                                "around it")
            else:
                if k > 0:
                    same_level[k - 1].end = edit.start
                chapter.start, chapter.fixed, chapter.confidence = round(edit.start, 3), True, 1.0
    for edit in edits.chapters:  # titles last: the starts are found by the agenda's titles
        if edit.rename:
            for chapter in chapters:
                if chapter.title == edit.title:
                    chapter.title = edit.rename
    return problems


def apply_speaker_edits(words: list[Word], edits: Edits) -> int:
    """The producer's speaker for every word said within each speaker edit's span (after naming, so
    it wins over the voices' names); how many words changed."""
    changed = 0
    for edit in edits.speakers:
        for word in words:
            if edit.start - 0.01 <= (word.start + word.end) / 2 <= edit.end + 0.01 and word.speaker != edit.speaker:
                word.speaker = edit.speaker
                changed += 1
    return changed


def _find(words: list[Word], said: list[str], wanted: list[str], edit) -> tuple[int, int] | None:
    """Index of the first and last word of `wanted` near the edit's time, the closest with the best
    context; None when not there. An empty `wanted` (an insertion) is placed after `before`.
    `said` is the words normalised (norm), as the three finders below take them."""
    keys = [norm(t) for t in wanted]
    window = RETIMED_SEARCH_SECONDS if isinstance(edit, TimingEdit) else SEARCH_SECONDS
    candidates = []
    if not keys:
        before = [norm(t) for t in tokens(getattr(edit, "before", ""))]
        for i in range(len(words)):
            if abs(words[i].end - edit.start) <= SEARCH_SECONDS and before and \
                    said[max(0, i + 1 - len(before)):i + 1] == before:
                candidates.append((abs(words[i].end - edit.start), i + 1, i))
        return (candidates and min(candidates)[1:]) or None
    for i in range(len(words) - len(keys) + 1):
        if abs(words[i].start - edit.start) > window:
            continue
        if said[i:i + len(keys)] == keys:
            score = _context(said, i, i + len(keys) - 1, edit)
            candidates.append((-score, abs(words[i].start - edit.start), i))
    if not candidates:
        return None
    i = min(candidates)[2]
    return i, i + len(keys) - 1


def _between_context(words: list[Word], said: list[str], edit: WordEdit) -> tuple[int, int] | None:
    """The words between the edit's `before` and `after` words, near its time: what another model
    heard in the place of `said` ("a new to a border" where base wrote "a new top order"). The
    words next to the span must be the edit's on both sides, at least three of the six around it
    in all; of the spans that qualify, the one whose length in time is nearest the edit's."""
    before = [norm(t) for t in tokens(edit.before)]
    after = [norm(t) for t in tokens(edit.after)]
    if not before or not after:
        return None
    most = len(tokens(edit.said)) + len(tokens(edit.correct)) + 2
    span = max(edit.end - edit.start, 0.0)
    candidates = []
    for first in range(1, len(words) + 1):
        if abs(words[first - 1].end - edit.start) > SEARCH_SECONDS:
            continue
        left = matching_run(list(reversed(before)), list(reversed(said[max(0, first - len(before)):first])))
        if not left:
            continue
        for end in range(first, min(first + most, len(words) - 1) + 1):
            right = matching_run(after, said[end:end + len(after)])
            if not right or left + right < min(3, len(before) + len(after)):
                continue
            if end == first and tokens(edit.said):
                continue  # words were said there: replacing nothing would leave them
            start = words[first].start if end > first else words[first - 1].end
            length = words[end - 1].end - start if end > first else 0.0
            if abs(length - span) > 0.5 + span / 2:
                continue
            candidates.append((-(left + right), abs(length - span) + abs(start - edit.start), first, end - 1))
    if not candidates:
        return None
    _, _, first, last = min(candidates)
    return first, last


def _at_its_time(words: list[Word], said: list[str], edit: WordEdit) -> tuple[int, int] | None:
    """The words said in the edit's span, between the word of `before` that ends nearest its
    start and the word of `after` that starts nearest its end (each within `ANCHOR_SECONDS`);
    where one of those is missing, the words whose middle is within `TIME_TOLERANCE` of the span
    on that side. One anchor at least: models agree on when words were said better than on what
    they were ("a mute on order" for "a new top order")."""
    if not tokens(edit.said) or edit.end <= edit.start:
        return None
    before = [norm(t) for t in tokens(edit.before)]
    after = [norm(t) for t in tokens(edit.after)]
    lefts = [(abs(w.end - edit.start), k) for k, w in enumerate(words)
             if before and said[k] == before[-1] and abs(w.end - edit.start) <= ANCHOR_SECONDS]
    rights = [(abs(w.start - edit.end), k) for k, w in enumerate(words)
              if after and said[k] == after[0] and abs(w.start - edit.end) <= ANCHOR_SECONDS]
    if not lefts and not rights:
        return None
    inside = [k for k, w in enumerate(words)
              if edit.start - TIME_TOLERANCE <= (w.start + w.end) / 2 <= edit.end + TIME_TOLERANCE]
    first = min(lefts)[1] + 1 if lefts else (inside[0] if inside else None)
    last = min(rights)[1] - 1 if rights else (inside[-1] if inside else None)
    if first is None or last is None:
        return None
    # a word of the context is the context, not a word to replace: the span ends before it
    if after and not rights:
        last = next((j - 1 for j in range(first, last + 1) if said[j] == after[0]), last)
    if before and not lefts:
        first = next((k + 1 for k in range(last, first - 1, -1) if said[k] == before[-1]), first)
    if last < first:
        return None
    if last - first + 1 > len(tokens(edit.said)) + len(tokens(edit.correct)) + 2:
        return None
    return first, last


def matching_run(wanted: list[str], got: list[str]) -> int:
    """How many of `wanted` match `got` from the first on, up to the first that does not."""
    count = 0
    for a, b in zip(wanted, got):
        if a != b:
            break
        count += 1
    return count


def _context(said: list[str], first: int, last: int, edit) -> int:
    """How many of the edit's words around match the (normalised) words around first..last."""
    before = [norm(t) for t in tokens(getattr(edit, "before", ""))]
    after = [norm(t) for t in tokens(getattr(edit, "after", ""))]
    said_before = said[max(0, first - len(before)):first]
    said_after = said[last + 1:last + 1 + len(after)]
    return sum(a == b for a, b in zip(reversed(before), reversed(said_before))) + \
        sum(a == b for a, b in zip(after, said_after))


def _replace(transcript: Transcript, first: int, last: int, new: list[str], edit: WordEdit) -> EditedRun:
    """Words first..last become `new` (last < first: `new` is inserted before word `first`)."""
    words = transcript.words
    replaced = words[first:last + 1]
    if replaced:
        start, end, speaker = replaced[0].start, replaced[-1].end, replaced[0].speaker
    else:
        start = words[first - 1].end if first > 0 else edit.start
        end = words[first].start if first < len(words) else max(start, edit.end)
        speaker = words[first - 1].speaker if first > 0 else None
    fresh = [Word(text, start, end, 1.0, speaker) for text in new]
    _spread(fresh, start, end)
    anchor = replaced[0] if replaced else (words[first] if first < len(words) else None)
    gone = {id(w) for w in replaced}
    placed = False
    for segment in transcript.segments:
        kept = []
        for w in segment.words:
            if anchor is not None and w is anchor:
                kept.extend(fresh)
                placed = True
            if id(w) not in gone:
                kept.append(w)
        segment.words = kept
        _refresh(segment)
    if not placed and transcript.segments:
        transcript.segments[-1].words.extend(fresh)
        _refresh(transcript.segments[-1])
    return EditedRun(fresh, (start, end) if replaced else None)


def _refresh(segment: Segment) -> None:
    if segment.words:
        segment.text = " ".join(w.text for w in segment.words)
        segment.start, segment.end = min(segment.start, segment.words[0].start), max(segment.end, segment.words[-1].end)


def _spread(words: list[Word], start: float, end: float) -> None:
    """Give the words the span [start, end], shared by their length."""
    total = sum(len(w.text) for w in words) or 1
    t = start
    for w in words:
        w.start = round(t, 3)
        t += (end - start) * len(w.text) / total
        w.end = round(t, 3)
