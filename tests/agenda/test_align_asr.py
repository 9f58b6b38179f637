"""Agenda alignment on real speech recognition: the sample recording, and synthetic webinars that
the alignment was not developed on, each with its agenda given as plain titles only.

faster-whisper tiny.en runs once per recording; its transcripts are cached under
/tmp/captioner-test-asr by the audio's sha256, so reruns take seconds. Run with -s to
see the measured boundary errors.
"""
from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from captioner.agenda.align import align_agenda
from captioner.agenda.items import find_agenda, load_agenda
from tests.support.align import asr_transcript, boundary_errors, load_truth, summary
from tests.support.synth import make_webinar, webinar_names

pytestmark = pytest.mark.speech_model  # tiny.en transcripts, cached in /tmp between runs

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "recordings" / "view-to-a-border.mp3"


@pytest.fixture(scope="session")
def sample_asr():
    return asr_transcript(SAMPLE)


@pytest.fixture(scope="session")
def espeak_webinars(tmp_path_factory):
    """name -> (chapters, warnings, truth), aligned on tiny.en transcripts with `<stem>.agenda.txt`."""
    results = {}
    for name in webinar_names():
        audio, truth = make_webinar(name, tmp_path_factory.mktemp(name), seed=0, agenda="txt")
        agenda_path = find_agenda(audio)
        assert agenda_path is not None and agenda_path.name.endswith(".agenda.txt")
        chapters, warnings = align_agenda(asr_transcript(audio), load_agenda(agenda_path))
        results[name] = (chapters, warnings, truth)
    return results


def test_sample_on_speech_recognition(sample_asr):
    truth = load_truth(ROOT / "recordings" / "view-to-a-border.truth.json")
    chapters, warnings = align_agenda(sample_asr, load_agenda(ROOT / "recordings" / "view-to-a-border.agenda.txt"))
    errors = boundary_errors(chapters, truth)  # every item has its chapter, in order
    print(f"\nsample, tiny.en transcript, plain titles: {summary(errors)}")
    assert statistics.median(errors) <= 1.5, summary(errors)
    assert max(errors) <= 3.0, summary(errors)
    assert chapters[0].start == 0.0 and chapters[-1].end == pytest.approx(sample_asr.duration)


def test_espeak_webinars_exist():
    assert len(webinar_names()) >= 3


@pytest.mark.voices
@pytest.mark.parametrize("name", webinar_names())
def test_espeak_webinar_has_every_chapter_in_order(espeak_webinars, name):
    chapters, warnings, truth = espeak_webinars[name]
    errors = boundary_errors(chapters, truth)
    print(f"\n{name}: {summary(errors)}; warnings: {warnings}")
    assert not any("not found" in w for w in warnings)


@pytest.mark.voices
def test_espeak_webinars_median_and_worst_boundary_error(espeak_webinars):
    errors = [e for chapters, _, truth in espeak_webinars.values() for e in boundary_errors(chapters, truth)]
    print(f"\nespeak-ng tuning webinars, tiny.en transcripts, plain titles: {summary(errors)}")
    assert statistics.median(errors) <= 3.0, summary(errors)
    assert max(errors) <= 15.0, summary(errors)
