"""Listen again: glossary terms recognition may have misheard, checked against the audio.

Correction (correct.py) changes a span only on written evidence strong enough to
be safe without hearing it. Many misses are further off ("E.K.WAS" for ECOWAS,
"decap" for TCAP, "end month group" for Egmont Group) and no spelling rule can
tell them from ordinary words. Here a span that is only loosely like a term, in
spelling and sound, is a *check*, and the speech model is the judge: Whisper's
decoder reads the words around the span as heard and with the term in its place,
both against the same audio (teacher forcing, CTranslate2's ``align``), and the
term is written when it is about as likely as what was heard. "About" is a prior
for the glossary of this recording that grows with the written likeness
(``margin``). Both readings are scored under one prompt naming the terms being
checked there, as recognition's hotwords do, so the prompt favours neither.

Spans that recognition was sure of, everyday single words ("you", "two") and
terms already written are not checked, which keeps the number of readings small;
a span holding a written term is checked only against longer terms that contain
it ("INTERPOL novices" for INTERPOL notices, "FATF recommendation"), and may run
past punctuation within a sentence ("Yaoundé, Co. conduct"). An acronym
written unsurely is checked against the glossary's other acronyms that recognition
was given as hotwords (its *rivals*: "ECCAS" for ECOWAS), read under no prompt, since
a prompt naming either favours it.

The prompt still favours the term over ordinary words that sound near it, so a
term never takes the place of a word recognition was sure of: such a word at a
span's edge is kept beside the term, and one inside the span stops the check.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from captioner.correct.spelling import CorrectOptions, FormIndex, replace_span, sound_similarity, split_word
from captioner.glossary.model import Glossary
from captioner.glossary.text import compact, is_acronym, is_common_word, sound_codes, zipf
from captioner.media.audio import MEL_FRAMES_PER_SECOND, SAMPLE_RATE
from captioner.model import Correction, Transcript, Word


@dataclass
class ListenOptions:
    # Chosen with bench/listen_again.py on the sample and 10 synthetic webinars (term accuracy
    # against the seconds it costs); the README gives the figures.
    min_similarity: float = 60.0  # mean of spelling and sound similarity (0-100) for a span to be checked
    sure_probability: float = 0.7  # spans whose every word recognition was this sure of are not checked
    everyday_zipf: float = 5.0  # nor single words this frequent in English ("you", "two", "and")
    candidates_per_span: int = 2
    # a span may have this many words more than the term: recognition cuts unknown names into
    # short words ("is a help" for Isabel); 1 rather than 2 lost 2 of 465 terms (seeds 1-5, sample)
    extra_words: int = 2
    # at most, the likeliest in writing: each costs a reading of the audio. 8 rather than 15: on the
    # sample and 20 webinars (seeds 1-5) the same terms but one (394 of 465), a third less time
    checks_per_minute: float = 8.0
    # A term may be less likely than what was heard by (similarity - 60) / 5 log units, at most 3:
    # 2 for a span that is spelled and sounds 70% like it, none at 60. For a span holding a
    # written term, the similarity of the rest ("attack" to "Call" for Christchurch Call).
    similarity_origin: float = 60.0
    similarity_per_unit: float = 5.0
    most_margin: float = 3.0
    # A term of everyday words must be this much more likely: the prompt that names it makes
    # such words likely anywhere ("Connect National" read as "international law"); so must a
    # longer term that would take the place of a written one and of more words than it has.
    everyday_term_lead: float = 2.0
    # A span of ordinary words only ("This is", "international level") read as a term that is
    # not ("SIS II", "International Day of Remembrance") must be this much more likely: a prompt
    # naming the term makes it likely wherever its sounds are near. "This is" read as SIS II
    # scored 2.41. On the corpus tuning set (base) it stops one false term in 30 listened
    # corrections and one right one (261 of 294 terms against 262).
    ordinary_span_lead: float = 3.0
    # A word recognition heard this surely and unlike every word of the term was said: at a
    # span's edge it stays, and the term takes the place of the words beside it ("And | you wed
    # Lumi" for Thandiwe Dlamini); inside the span, or where all that is left is words of the term
    # ("the | Security Council" read as UN Security Council), the check is dropped. Under a prompt
    # naming the term the decoder likes it wherever its sounds are near ("secures the systems"
    # read as SCADA systems by 15.8). On the corpus tuning set (base) it stopped 14 of 17 false
    # listened terms and kept 11 of 12 right ones; on the test set, 4 of 12 and 20 of 21.
    kept_probability: float = 0.9
    like_term_word: float = 80.0  # rapidfuzz ratio for a heard word to be taken for a word of the term
    padding: float = 0.2  # seconds of audio kept before a reading's first word and after its last
    context_before: float = 1.0  # seconds of words read before a span
    group_seconds: float = 2.0  # checks starting this close to a group's first word are read with it
    words_after: int = 2  # words read after a span
    # An acronym written with less confidence than this may be another acronym of the glossary
    # ("ECCAS" for ECOWAS, "UNOCT" for UNODC: recognition's hotwords name both); that one is
    # written when it is this much more likely, read under no prompt, so neither is favoured.
    rival_probability: float = 0.5
    rival_lead: float = 1.0
    rivals_per_minute: float = 4.0  # read besides the other checks
    window_seconds: float = 30.0  # what Whisper's encoder takes
    prompt_tokens: int = 20


@dataclass
class _Check:
    segment: int
    start: int  # word index within the segment, end exclusive
    end: int
    after: str
    concept: str
    similarity: float = 0.0
    everyday: bool = False  # the term is everyday words only ("international law", "dark vessels")
    swallows: bool = False  # a longer term in place of a written one and more words ("watchlist And")
    ordinary: bool = False  # the span is ordinary English words only ("This is" for SIS II)
    delta: float = 0.0
    rival: bool = False  # another acronym of the glossary in place of one written unsurely
    # for a span holding a written term: the likeness of the rest of the span to the rest of
    # the term ("attack" and "Call" in "Christchurch attack" for Christchurch Call)
    rest_similarity: float | None = None


def find_checks(transcript: Transcript, index: FormIndex, options: ListenOptions) -> list[_Check]:
    """Spans loosely like a glossary form and not already one: for each form, the best of
    overlapping spans only; a span holding a term already written, only for longer terms
    that contain it; an acronym written unsurely, for the glossary's other acronyms."""
    choices = [compact(f.text) for f in index.forms]
    rivals = _hotword_keys(transcript)
    checks: list[_Check] = []
    for seg_no, segment in enumerate(transcript.segments):
        words = segment.words
        if not words:
            continue
        pieces = [split_word(w.text) for w in words]
        cores = [p.core for p in pieces]
        found: list[_Check] = []
        for i in range(len(words)):
            # a written term may grow past punctuation within a sentence ("Yaoundé, Co. conduct,"
            # for Yaoundé Code of Conduct): what recognition was unsure of, it often cut up
            grows = bool(cores[i]) and _written_form(compact(cores[i]), index)
            for j in range(i + 1, min(len(words), i + index.max_words) + 1):
                if not all(cores[i:j]) or (j - i > 1 and _span_ends(pieces[j - 2], pieces[j - 1], grows)):
                    break
                key = compact(" ".join(cores[i:j]))
                if len(key) < 3:
                    continue
                if j - i == 1 and key in index.exact and is_acronym(cores[i]):
                    if words[i].probability < options.rival_probability:
                        found.extend(_rival_checks(seg_no, i, key, choices, index, options, rivals))
                    continue
                if _written_form(key, index):
                    continue
                if min(w.probability for w in words[i:j]) >= options.sure_probability:
                    continue
                if j - i == 1 and zipf(cores[i].lower()) >= options.everyday_zipf:
                    continue
                written = [k for k in map(compact, _subspans(cores[i:j])) if _written_form(k, index)]
                found.extend(_span_checks(seg_no, i, j, key, choices, index, options, written, key_words=cores[i:j]))
        checks.extend(_best_spans(found))
    kept = []
    for rival, per_minute in ((False, options.checks_per_minute), (True, options.rivals_per_minute)):
        most = int(per_minute * max(transcript.duration, 60.0) / 60)  # a short clip gets a minute's worth
        kept += sorted((c for c in checks if c.rival == rival), key=lambda c: -c.similarity)[:most]
    return sorted(kept, key=lambda c: (c.segment, c.start))


def _span_ends(last, following, grows: bool) -> bool:
    """A span ends at punctuation; one that grows from a written term, only where a sentence ends."""
    if not grows:
        return bool(last.trail or following.lead)
    return any(c in last.trail for c in ".?!") and following.core[:1].isupper()


def _written_form(key: str, index: FormIndex) -> bool:
    """Already a form of the glossary, or its plural or possessive ("FIUs", "watchlists")."""
    return any(key[:len(key) - len(end)] in index.exact for end in ("", "s", "es") if key.endswith(end))


def _subspans(cores: list[str]):
    for a in range(len(cores)):
        for b in range(a + 1, len(cores) + 1):
            yield " ".join(cores[a:b])


def _best_spans(found: list[_Check]) -> list[_Check]:
    kept: list[_Check] = []
    for check in sorted(found, key=lambda c: -c.similarity):
        if not any(k.after == check.after and k.start < check.end and check.start < k.end for k in kept):
            kept.append(check)
    return kept


def _hotword_keys(transcript: Transcript) -> set[str] | None:
    """The terms recognition was given as hotwords, compacted (None: it was given none)."""
    hotwords = (transcript.options or {}).get("hotwords")
    return {compact(w) for w in hotwords.split(",")} if hotwords else None


def _rival_checks(seg_no, i, key, choices, index, options, rivals: set[str] | None) -> list[_Check]:
    """Acronyms of other concepts for one written unsurely: among recognition's hotwords, where
    it had them, since naming both is what makes it pick the wrong one ("FTF" from a field
    glossary is no rival for a webinar's FATF)."""
    written = {f.concept for f in index.exact[key]}

    def allowed(form) -> bool:
        return form.concept not in written and is_acronym(form.text) and (rivals is None or form.key in rivals)

    checks = _span_checks(seg_no, i, i + 1, key, choices, index, options, allowed=allowed)
    for check in checks:
        check.rival = True
    return checks


def _span_checks(seg_no, i, j, key, choices, index, options, written=(), allowed=None,
                 key_words=()) -> list[_Check]:
    hits = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=options.min_similarity - 20, limit=None)
    codes = sound_codes(key)
    key_digits = "".join(c for c in key if c.isdigit())
    scored: dict[str, tuple[float, object]] = {}
    for _, spelling, pos in hits:
        form = index.forms[pos]
        if allowed and not allowed(form):
            continue
        if any(w not in form.key or w == form.key for w in written):
            continue  # a term already written inside the span may only grow into a longer term
        if not (0.67 <= len(key) / max(len(form.key), 1) <= 1.5) or j - i > form.words + options.extra_words:
            continue
        if form.digits and form.digits.replace(" ", "") != key_digits:
            continue
        sound = max(sound_similarity(codes, c) for c in form.codes)
        score = (spelling + sound) / 2
        if score >= options.min_similarity and score > scored.get(form.text, (0, None))[0]:
            scored[form.text] = (score, form)
    best = sorted(scored.values(), key=lambda x: -x[0])[: options.candidates_per_span]
    ordinary = bool(key_words) and all(is_common_word(word) for word in key_words)
    return [_Check(seg_no, i, j, form.text, form.concept, round(score, 1),
                   everyday=all(is_common_word(t) for t in form.toks), ordinary=ordinary,
                   swallows=bool(written) and j - i > len(form.toks),
                   rest_similarity=_rest_similarity(key, form.key, written)) for score, form in best]


def _rest_similarity(key: str, form_key: str, written) -> float | None:
    """Spelling and sound likeness of what a span has besides the written term it holds to what
    the longer term has besides it; None for a span that holds none."""
    inner = max(written, key=len, default="")
    if not inner:
        return None
    rest, form_rest = key.replace(inner, "", 1), form_key.replace(inner, "", 1)
    if not rest or not form_rest:
        return 0.0
    return round((fuzz.ratio(rest, form_rest) + sound_similarity(sound_codes(rest), sound_codes(form_rest))) / 2, 1)


class AcousticScorer:
    """Log-probabilities of texts read from a given second of a recording, under the Whisper model."""

    BATCH = 8  # texts aligned at once
    FEATURE_MARGIN = 1  # second of audio either side of what is read (the spectrogram's window reaches past its frame)

    def __init__(self, whisper_model, audio: np.ndarray, language: str = "en"):
        from faster_whisper.tokenizer import Tokenizer

        self.model = whisper_model
        multilingual = whisper_model.model.is_multilingual
        self.tokenizer = Tokenizer(whisper_model.hf_tokenizer, multilingual, task="transcribe",
                                   language=language if multilingual else "en")
        self.audio = audio

    def features(self, start: float, end: float) -> np.ndarray:
        """Log-mel frames from ``start`` to ``end``, computed from the audio around them: the
        spectrogram of a whole 31-minute recording would allocate 1.9 GB on the way."""
        margin_frames = min(int(start * MEL_FRAMES_PER_SECOND), self.FEATURE_MARGIN * MEL_FRAMES_PER_SECOND)
        first_frame = int(start * MEL_FRAMES_PER_SECOND) - margin_frames
        first = first_frame * SAMPLE_RATE // MEL_FRAMES_PER_SECOND
        last = int((end + self.FEATURE_MARGIN) * SAMPLE_RATE)
        around = self.model.feature_extractor(self.audio[first:last])
        frames = min(int((end - start) * MEL_FRAMES_PER_SECOND), 3000, around.shape[-1] - margin_frames)
        frames -= frames % 2
        return np.ascontiguousarray(around[None, :, margin_frames:margin_frames + frames])

    def log_probs(self, start: float, end: float, texts: list[str], prompt: str = "",
                  prompt_tokens: int = 60) -> list[float]:
        """The score of each text as what is said from ``start`` to ``end`` seconds (at most 30 s)."""
        import ctranslate2

        features = self.features(start, end)
        frames = features.shape[-1]
        encoded = self.model.model.encode(ctranslate2.StorageView.from_array(features), to_cpu=True)
        encoded = np.array(encoded)
        sequence = list(self.tokenizer.sot_sequence)
        if prompt and prompt_tokens:
            sequence = [self.tokenizer.sot_prev] + self.tokenizer.encode(" " + prompt)[:prompt_tokens] + sequence
        scores: list[float] = []
        for at in range(0, len(texts), self.BATCH):
            chunk = [self.tokenizer.encode(" " + t.strip()) for t in texts[at:at + self.BATCH]]
            view = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.repeat(encoded, len(chunk), axis=0)))
            results = self.model.model.align(view, sequence, chunk, [frames] * len(chunk))
            scores += [float(np.sum(np.log(np.maximum(r.text_token_probs, 1e-12)))) for r in results]
        return scores


def score_checks(transcript: Transcript, checks: list[_Check], scorer: AcousticScorer,
                 options: ListenOptions) -> None:
    """Set each check's ``delta``: log-probability with the term minus as heard.

    Whisper reads audio from the start of what it is given, so checks are read in
    groups from a word a little before the first span of the group to just after the
    last: the same words before a span in both readings, so only the span and what
    follows make the difference. A group shares one encoding of its audio. Rivals are
    read in groups of their own, under no prompt.
    """
    words = [w for s in transcript.segments for w in s.words]
    position = {}
    for n, s in enumerate(transcript.segments):
        for k in range(len(s.words)):
            position[(n, k)] = len(position)
    for rival in (False, True):
        pending = sorted((c for c in checks if c.rival == rival), key=lambda c: position[(c.segment, c.start)])
        _read_groups(pending, words, position, scorer, options, prompted=not rival)


def _read_groups(pending: list[_Check], words: list[Word], position: dict, scorer: AcousticScorer,
                 options: ListenOptions, prompted: bool) -> None:
    while pending:
        lo = _reading_start(words, position[(pending[0].segment, pending[0].start)], options)
        window_start = max(0.0, words[lo].start - options.padding)
        group = []
        while pending:
            check = pending[0]
            start = position[(check.segment, check.start)]
            if group and words[start].start - words[lo].start > options.group_seconds:
                break
            span_end = position[(check.segment, check.end - 1)] + 1
            hi = min(len(words), span_end + options.words_after)
            pending.pop(0)
            if words[hi - 1].end + options.padding - window_start > options.window_seconds:
                check.delta = float("-inf")  # longer than Whisper reads at once
                continue
            group.append((check, start, span_end, hi))
        if not group:
            continue
        window_end = max(words[hi - 1].end for _, _, _, hi in group) + options.padding
        texts: dict[str, int] = {}
        rows = []
        for check, start, span_end, hi in group:
            before = " ".join(w.text for w in words[lo:start])
            heard = " ".join(w.text for w in words[start:hi])
            changed = " ".join(filter(None, [_changed_span(words[start], words[span_end - 1], check),
                                             " ".join(w.text for w in words[span_end:hi])]))
            rows.append((check, *(texts.setdefault(f"{before} {text}".strip(), len(texts)) for text in (heard, changed))))
        prompt = ", ".join(dict.fromkeys(c.after for c, _, _, _ in group)) if prompted else ""
        scores = scorer.log_probs(window_start, window_end, list(texts), prompt, options.prompt_tokens)
        for check, heard, changed in rows:
            check.delta = scores[changed] - scores[heard]


def _reading_start(words: list[Word], start: int, options: ListenOptions) -> int:
    lo = start
    while lo > 0 and words[lo - 1].start >= words[start].start - options.context_before:
        lo -= 1
    return lo


def _changed_span(first: Word, last: Word, check: _Check) -> str:
    return split_word(first.text).lead + check.after + split_word(last.text).trail


def margin(check: _Check, options: ListenOptions) -> float:
    """How much less likely than what was heard a term may be and still be written."""
    if check.rival:
        return -options.rival_lead
    if check.everyday or check.swallows:
        return -options.everyday_term_lead
    if check.ordinary:
        return -options.ordinary_span_lead
    # a written term inside a span makes it look like the longer term whatever the rest says
    likeness = check.similarity if check.rest_similarity is None else check.rest_similarity
    return min(options.most_margin, (likeness - options.similarity_origin) / options.similarity_per_unit)


def without_sure_words(check: _Check, words: list[Word], options: ListenOptions) -> _Check | None:
    """The check narrowed past the surely heard words at its edges that are unlike any word of
    the term, or None (``ListenOptions.kept_probability``). ``words`` are its segment's."""
    if check.rival:
        return check
    term = [split_word(t).core.casefold() for t in check.after.split()]
    span = words[check.start:check.end]

    def alike(word: Word) -> bool:  # like a word of the term, or inside one ("person" in Ombudsperson)
        core = split_word(word.text).core.casefold()
        return any(fuzz.ratio(core, t) >= options.like_term_word or (len(core) >= 4 and core in t) for t in term)

    like = [alike(w) for w in span]
    sure = [not similar and w.probability >= options.kept_probability for w, similar in zip(span, like)]
    lo, hi = 0, len(span)
    while lo < hi and sure[lo]:
        lo += 1
    while hi > lo and sure[hi - 1]:
        hi -= 1
    if lo == hi or any(sure[lo:hi]) or ((lo, hi) != (0, len(span)) and all(like[lo:hi])):
        return None
    return dataclasses.replace(check, start=check.start + lo, end=check.start + hi)


def accepted(checks: list[_Check], options: ListenOptions) -> list[_Check]:
    """The passing checks, non-overlapping, those that pass by most first."""
    passing = [c for c in checks if c.delta + margin(c, options) >= 0]
    chosen: list[_Check] = []
    for check in sorted(passing, key=lambda c: -(c.delta + margin(c, options))):
        if any(c.segment == check.segment and c.start < check.end and check.start < c.end for c in chosen):
            continue
        chosen.append(check)
    return chosen


def listen_again(transcript: Transcript, audio: np.ndarray, glossary: Glossary, whisper_model,
                 options: ListenOptions | None = None) -> tuple[Transcript, list[Correction]]:
    """A copy of the transcript with the terms the audio confirms, and the log of changes
    (also appended to its ``corrections``, rule ``listened``)."""
    options = options or ListenOptions()
    result = copy.deepcopy(transcript)
    if not len(glossary):
        return result, []
    index = FormIndex(glossary, CorrectOptions())
    checks = find_checks(result, index, options)
    if not checks:
        return result, []
    score_checks(result, checks, AcousticScorer(whisper_model, audio, result.language or "en"), options)
    checks = [narrowed for c in checks
              if (narrowed := without_sure_words(c, result.segments[c.segment].words, options))]
    log: list[Correction] = []
    for check in sorted(accepted(checks, options), key=lambda c: (c.segment, -c.start)):
        segment = result.segments[check.segment]
        before_words = segment.words[check.start:check.end]
        pieces = [split_word(w.text) for w in segment.words]
        segment.words[check.start:check.end] = replace_span(segment.words, pieces, check)
        segment.text = " ".join(w.text for w in segment.words)
        said = " ".join(split_word(w.text).core for w in before_words)
        log.append(Correction(start=before_words[0].start, end=before_words[-1].end, before=said,
                              after=check.after, score=round(check.delta, 2), rule="listened",
                              concept=check.concept))
    log.sort(key=lambda c: c.start)
    result.corrections = sorted([*result.corrections, *log], key=lambda c: c.start)
    return result, log
