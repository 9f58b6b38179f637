"""Two panelists whose voices are nearly alike: the run says less (>> at a change, or no label)
rather than put one panelist's name on the other's words."""
from __future__ import annotations

import json
import sys

import pytest

from captioner.pipeline.run import RunOptions, run_one
from tests.support.synth import REPO, make_webinar

sys.path.insert(0, str(REPO / "bench"))
from corpus import read_cues  # noqa: E402
from corpus_metrics import align_sentences  # noqa: E402

pytestmark = [pytest.mark.speech_model, pytest.mark.voices]

SCRIPT = REPO / "tests" / "data" / "similar-voices" / "similar-voices.script.yaml"


def test_two_similar_voices_never_get_each_others_name(tmp_path):
    audio, truth = make_webinar(SCRIPT, tmp_path, seed=0, noise=None, agenda="yaml")
    result = run_one(audio, RunOptions(out_dir=tmp_path / "out", replay=False))
    cues, report = read_cues("full", tmp_path / "out", "similar-voices")
    names = {s["speaker"] for s in truth["sentences"]}
    wrong, shown = [], 0
    for sentence, match in zip(truth["sentences"], align_sentences(truth, cues)):
        for _, c, k in match["matches"]:
            said = cues[c].speakers[k] if k < len(cues[c].speakers) else None
            if said and said in names:
                shown += 1
                if said != sentence["speaker"]:
                    wrong.append((sentence["text"][:50], said))
    assert not wrong, wrong  # a person's name only on that person's words
    unsure = report["speakers_unsure"]
    srt = (tmp_path / "out" / "similar-voices" / "similar-voices.en.srt").read_text(encoding="utf-8")
    if "LENA NOVAK:" in srt and "IVAN PETROV:" in srt:
        assert not unsure  # told apart, each under their own name
    else:  # heard as one voice: named after neither, shown as >> (or, as the only voice, not labelled)
        assert unsure and "(UNSURE)" not in srt.upper()
        assert "LENA NOVAK:" not in srt and "IVAN PETROV:" not in srt
        assert any("could not be told apart" in w for w in report["agenda_warnings"])
    assert json.loads((tmp_path / "out" / "similar-voices" / "report.json").read_text())["speakers_unsure"] == unsure
    assert result.report["speakers_unsure"] == unsure
