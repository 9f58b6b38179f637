"""An edit made on one model's words is found again in another's (by the words around it, or by
its time), and edited words are timed from the audio by the speech model."""
from __future__ import annotations

import copy
import statistics

import pytest

from captioner.correct.edits import Edits, WordEdit, apply_edits, context
from captioner.model import Segment, Transcript, Word

BASE_EDIT = WordEdit(2.99, 3.79, "a new top order,", "A View to a Border,", "and welcome to", "webinar series")


def _timed(pairs: str) -> Transcript:
    """Words written as text@start-end."""
    words = []
    for item in pairs.split():
        text, times = item.rsplit("@", 1)
        start, end = times.split("-")
        words.append(Word(text, float(start), float(end)))
    return Transcript(language="en", duration=words[-1].end,
                      segments=[Segment(words[0].start, words[-1].end, "", words)])


def test_another_models_words_between_the_same_neighbours_are_replaced():
    # tiny.en on the sample, with the glossary: the edit was made on base's "a new top order,"
    transcript = _timed("and@2.41-2.41 welcome@2.41-2.81 to@2.81-3.11 a@3.11-3.23 new@3.23-3.31 to@3.31-3.51 "
                        "a@3.51-3.83 border,@3.83-4.03 a@4.23-4.27 web@4.27-4.43 in@4.43-4.51 our@4.51-4.71")
    outcome = apply_edits(transcript, Edits(words=[BASE_EDIT]))
    assert outcome.applied == 1 and not outcome.not_placed
    assert transcript.text == "and welcome to A View to a Border, a web in our"


def test_another_models_words_at_the_same_time_are_replaced_when_a_neighbour_is_the_same():
    # tiny.en without the glossary: "a mute on order," and "when in" where base heard "a webinar"
    transcript = _timed("and@2.41-2.41 welcome@2.41-2.81 to@2.81-3.11 a@3.11-3.23 mute@3.23-3.33 on@3.33-3.59 "
                        "order,@3.59-4.01 when@4.21-4.41 in@4.41-4.53 our@4.53-4.71 series@4.71-4.99")
    outcome = apply_edits(transcript, Edits(words=[BASE_EDIT]))
    assert outcome.applied == 1
    assert transcript.text == "and welcome to A View to a Border, when in our series"
    # neither neighbour the edit's: other speech at that time is left alone, and the edit reported
    other = _timed("we@2.41-2.81 said@2.81-3.11 a@3.11-3.23 mute@3.23-3.33 on@3.33-3.59 order,@3.59-4.01 "
                   "then@4.21-4.41")
    outcome = apply_edits(other, Edits(words=[BASE_EDIT]))
    assert outcome.applied == 0 and len(outcome.not_placed) == 1
    assert other.text == "we said a mute on order, then"


def test_an_edit_whose_words_another_model_did_not_hear_is_reported_and_no_word_is_taken():
    transcript = _timed("and@2.41-2.41 welcome@2.41-2.81 to@2.81-3.11 webinar@3.2-3.6 series@3.6-4.0")
    outcome = apply_edits(transcript, Edits(words=[BASE_EDIT]))
    assert outcome.applied == 0 and outcome.not_placed == [
        "0:02 'a new top order,' -> 'A View to a Border,': neither those words nor the words around them are "
        "there any more"]
    assert transcript.text == "and welcome to webinar series"


@pytest.mark.speech_model
def test_words_put_back_are_timed_where_they_were_said(sample_out, sample_truth):
    """Three words recognition left out at each sentence start, the word before grown over them:
    put back by an edit, the model times them; sharing the gap cannot."""
    from captioner.asr import recognize as asr
    from captioner.correct.edit_timing import time_edited_words
    from captioner.correct.listen_again import AcousticScorer
    from captioner.media.audio import decode
    from tests.support.paths import SAMPLE

    scorer = AcousticScorer(asr.load_model(asr.AsrOptions()), decode(SAMPLE), "en")
    recognised = sample_out.transcript
    timed_errors, shared_errors = [], []
    for sentence in sample_truth["sentences"][1:]:
        words = recognised.words
        gap, k = min((abs(w.start - sentence["start"]), k) for k, w in enumerate(words))
        if gap > 0.5 or k < 1 or k + 3 >= len(words):
            continue
        for timed in (True, False):
            transcript = copy.deepcopy(recognised)
            words = transcript.words
            texts = [w.text for w in words[k:k + 3]]
            before, after = context(words, k, k + 3)
            words[k - 1].end = words[k + 3].start
            gone = {id(w) for w in words[k:k + 3]}
            for segment in transcript.segments:
                segment.words = [w for w in segment.words if id(w) not in gone]
            at = words[k - 1].end
            outcome = apply_edits(transcript, Edits(words=[WordEdit(at, at, "", " ".join(texts), before, after)]))
            assert outcome.applied == 1
            if timed:
                assert time_edited_words(transcript.words, outcome.edited, scorer) == 1
            new = outcome.edited[0].words
            assert [w.text for w in new] == texts
            all_words = transcript.words
            assert all(a.start <= a.end <= b.start + 1e-6 for a, b in zip(all_words, all_words[1:]))
            (timed_errors if timed else shared_errors).append(abs(new[0].start - sentence["start"]))
    assert len(timed_errors) >= 30
    assert statistics.median(timed_errors) <= 0.25, sorted(timed_errors)
    assert sum(e <= 0.4 for e in timed_errors) >= 0.8 * len(timed_errors), sorted(timed_errors)
    assert statistics.median(shared_errors) >= 0.5  # what sharing the gap gave
