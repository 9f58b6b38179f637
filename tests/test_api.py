"""The Python API: every name it lists resolves, and docs/python-api.md's second example runs."""
from __future__ import annotations

import re

import pytest

import captioner
from tests.support.paths import ROOT


def test_every_name_of_the_api_resolves_to_what_the_module_defines():
    for name in captioner.__all__:
        assert getattr(captioner, name) is not None, name


@pytest.mark.speech_model
@pytest.mark.mt
def test_the_stage_by_stage_example_of_the_docs_runs_on_a_run_output(sample_out):
    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    example = re.findall(r"```python\n(.*?)```", text, re.S)[1]
    example = example.replace('Workspace.of("transcripts", "view-to-a-border")',
                              f'Workspace.at({str(sample_out.folder)!r})')
    example = example.replace('"glossary/counter-terrorism.yaml"', repr(str(ROOT / "glossary" / "counter-terrorism.yaml")))
    scope: dict = {}
    exec(compile(example, "docs/python-api.md", "exec"), scope)
    assert scope["report"].cue_count == len(scope["track"].cues) > 20
    assert all(len(line) <= 37 for cue in scope["track"].cues for line in cue.lines)
    assert len(scope["cues"]) > 20  # the Spanish track the run wrote
