#!/usr/bin/env python3
"""Synthesize a webinar from a script with several text-to-speech engines, knowing
the time of every sentence.

A script (YAML) gives the title, the speakers (name -> engine, voice and its
settings: see scripts/synth_engines.py), the recording's room and line (see
scripts/synth_room.py), and the agenda items, each with the lines its speakers
say. Every sentence is rendered separately, its leading and trailing silence
trimmed, and placed on a timeline with seeded pauses, so its start and end are
known to the sample. The room, noise, hum and babble are added, and the result
is resampled to 16 kHz mono and compressed.

Outputs for `--out DIR/STEM`:
  STEM.mp3 (or .opus / .wav)  the audio
  STEM.truth.json             title, duration, every sentence and item with times
  STEM.agenda.yaml            the agenda as organisers know it (no times)
  STEM.agenda.txt             the item titles only, one a line

Usage:
  python scripts/synth_webinar.py SCRIPT.yaml --out DIR/STEM [--seed N]
         [--noise 0.003] [--format mp3|opus|wav] [--voice-jitter]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.error import YAMLError

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the engine and room modules beside this script
from synth_engines import TTS_RATE, Renderer, SynthError, check_tools, voice_spec  # noqa: E402
from synth_room import dress, recording_spec  # noqa: E402

GENERATOR_VERSION = 2
OUTPUT_RATE = 16000
FORMATS = ("mp3", "opus", "wav")
BITRATE = "24k"  # unless the script's recording block sets one

SENTENCE_PEAK = 0.5  # every sentence is scaled to this peak before the speaker's gain

LEAD_IN = (0.6, 1.2)
TAIL = (1.0, 1.5)
PAUSE_SAME_SPEAKER = (0.3, 0.6)
PAUSE_SPEAKER_CHANGE = (0.8, 1.5)
PAUSE_ITEM_CHANGE = (1.5, 2.5)

# How people say the field's acronyms; espeak-ng would read "IOM" as "I'm"
# and "OSCE" as "oss". Letters joined by hyphens are spelled out.
# A script's `pronounce:` mapping adds to or overrides these.
DEFAULT_PRONUNCIATIONS = {
    "UN": "U-N",
    "UNOCT": "U-N-O-C-T",
    "UNCCT": "U-N-C-C-T",
    "UNODC": "U-N-O-D-C",
    "UNDP": "U-N-D-P",
    "UNHCR": "U-N-H-C-R",
    "CTED": "see-ted",
    "IOM": "I-O-M",
    "OSCE": "O-S-C-E",
    "ECOWAS": "ee-koh-wahs",
    "MIDAS": "my-dass",
    "API": "A-P-I",
    "PNR": "P-N-R",
    "SLTD": "S-L-T-D",
    "IBM": "I-B-M",
    "FTF": "F-T-F",
    "EU": "E-U",
    "ICAO": "eye-kay-oh",
    "IMO": "I-M-O",
    "FATF": "fat-eff",
    "AML": "A-M-L",
    "CFT": "C-F-T",
    "CVE": "C-V-E",
    "PVE": "P-V-E",
    "NGO": "N-G-O",
    "NGOs": "N-G-Os",
    "FIU": "F-I-U",
    "FIUs": "F-I-Us",
    "GIFCT": "G-I-F-C-T",
    "TCAP": "tee-cap",
    "UAV": "U-A-V",
    "AIS": "A-I-S",
    "MDA": "M-D-A",
}

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "e.g", "i.e", "st", "vs", "etc"}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_MARKUP = re.compile(r"\{([^{}|]*)\|([^{}]*)\}")  # {written|spoken}


# ---------------------------------------------------------------- script


def load_script(path) -> dict:
    """Read and check a webinar script YAML; raise SynthError if it is not usable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SynthError(f"script not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SynthError(f"cannot read script {path}: {exc}") from None
    try:
        script = YAML(typ="safe").load(text)
    except YAMLError as exc:
        problem = getattr(exc, "problem", None) or type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SynthError(f"script {path} is not valid YAML: {problem}{where}") from None
    validate_script(script, source=str(path))
    return script


def validate_script(script, source: str = "script") -> None:
    """Raise SynthError naming the first thing wrong with a script dict."""
    if not isinstance(script, dict):
        raise SynthError(f"{source}: expected a mapping with title, speakers and items")
    if not str(script.get("title") or "").strip():
        raise SynthError(f"{source}: missing 'title'")
    speakers = script.get("speakers")
    if not isinstance(speakers, dict) or not speakers:
        raise SynthError(f"{source}: 'speakers' must map each speaker's name to a voice")
    for name, spec in speakers.items():
        voice_spec(name, spec, source)
    recording_spec(script, source)
    items = script.get("items")
    if not isinstance(items, list) or not items:
        raise SynthError(f"{source}: 'items' must be a non-empty list of agenda items")
    for number, item in enumerate(items, 1):
        where = f"{source}: item {number}"
        if not isinstance(item, dict) or not str(item.get("title") or "").strip():
            raise SynthError(f"{where} needs a 'title'")
        if item.get("speaker") is not None and item["speaker"] not in speakers:
            raise SynthError(f"{where}: speaker {item['speaker']!r} is not in 'speakers'")
        lines = item.get("lines")
        if not isinstance(lines, list) or not lines:
            raise SynthError(f"{where} ({item['title']}) needs a non-empty 'lines' list")
        for line_number, line in enumerate(lines, 1):
            if not isinstance(line, dict) or not str(line.get("text") or "").strip():
                raise SynthError(f"{where}, line {line_number} needs 'speaker' and 'text'")
            if line.get("speaker") not in speakers:
                raise SynthError(
                    f"{where}, line {line_number}: speaker {line.get('speaker')!r} is not in 'speakers'"
                )
    pronounce = script.get("pronounce", {})
    if not isinstance(pronounce, dict):
        raise SynthError(f"{source}: 'pronounce' must map written words to spoken forms")


# ---------------------------------------------------------------- text


def split_sentences(text: str) -> list[str]:
    """Split an utterance into sentences at . ! ? followed by a capital or digit."""
    text = " ".join(str(text).split())
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()]
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
        if last_word in _ABBREVIATIONS or _inside_markup(text, match.start()):
            continue
        pieces.append(candidate.strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _inside_markup(text: str, position: int) -> bool:
    return text.rfind("{", 0, position) > text.rfind("}", 0, position)


def written_form(sentence: str) -> str:
    """The sentence as a transcript shows it: {written|spoken} -> written."""
    return " ".join(_MARKUP.sub(lambda m: m.group(1), sentence).split())


def spoken_form(sentence: str, pronunciations: dict[str, str]) -> str:
    """The sentence as espeak-ng should say it: markup and acronyms replaced."""
    text = _MARKUP.sub(lambda m: m.group(2), sentence)
    if pronunciations:
        keys = sorted(pronunciations, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w-])")
        text = pattern.sub(lambda m: pronunciations[m.group(1)], text)
    return " ".join(text.split())


# ---------------------------------------------------------------- audio


def encode(samples: np.ndarray, rate: int, path: Path, fmt: str, bitrate: str = BITRATE) -> None:
    """Resample to 16 kHz mono and write `path` as mp3, opus or wav with ffmpeg."""
    codec = {
        "mp3": ["-c:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3"],
        "opus": ["-c:a", "libopus", "-b:a", bitrate, "-f", "ogg"],
        "wav": ["-c:a", "pcm_s16le", "-f", "wav"],
    }[fmt]
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    # A seekable file, not a pipe: the MP3 muxer goes back to write the LAME tag
    # that tells decoders to skip the encoder delay (else all times shift by ~70 ms).
    command = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
        "-ar", str(OUTPUT_RATE), "-ac", "1", "-map_metadata", "-1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact",
        *codec, temporary,
    ]  # fmt: skip
    try:
        result = subprocess.run(command, input=pcm, capture_output=True, check=False)
        if result.returncode != 0 or os.path.getsize(temporary) == 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SynthError(f"ffmpeg could not encode {fmt}: {detail[-1] if detail else 'no output'}")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


# ---------------------------------------------------------------- outputs


def agenda_of(script: dict) -> dict:
    """The agenda organisers publish: title, speakers and items, without times."""
    agenda = {"title": str(script["title"]).strip(), "speakers": list(script["speakers"])}
    items = []
    for item in script["items"]:
        entry = {"title": str(item["title"]).strip()}
        if item.get("description"):
            entry["description"] = " ".join(str(item["description"]).split())
        if item.get("keywords"):
            entry["keywords"] = [str(k) for k in item["keywords"]]
        entry["speaker"] = main_speaker(item)
        items.append(entry)
    agenda["items"] = items
    return agenda


def agenda_text(script: dict) -> str:
    """The item titles, one a line, as pasted from an invitation."""
    return "".join(str(item["title"]).strip() + "\n" for item in script["items"])


def main_speaker(item: dict) -> str:
    """The item's named speaker, or else whoever says the most in it."""
    if item.get("speaker"):
        return item["speaker"]
    said: dict[str, int] = {}
    for line in item["lines"]:
        said[line["speaker"]] = said.get(line["speaker"], 0) + len(str(line["text"]))
    return max(said, key=said.get)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes files private; these are shared outputs
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _yaml_text(data: dict) -> str:
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096  # no folding: wrapped lines would keep trailing spaces
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(_flow_keywords(data), stream)
    return stream.getvalue()


def _flow_keywords(agenda: dict) -> dict:
    """Write each item's keywords on one line, [a, b, c], as people type them."""
    items = []
    for item in agenda["items"]:
        item = dict(item)
        if "keywords" in item:
            keywords = CommentedSeq(item["keywords"])
            keywords.fa.set_flow_style()
            item["keywords"] = keywords
        items.append(item)
    return {**agenda, "items": items}


# ---------------------------------------------------------------- synthesis


def synthesize(
    script: dict,
    out_stem: Path,
    seed: int = 0,
    noise: float | None = None,
    fmt: str = "mp3",
    voice_jitter: bool = False,
) -> dict:
    """Render `script` to OUT_STEM.<fmt> plus truth and agenda files; return the truth dict.

    `noise`, if given, is the RMS of the background noise (full scale = 1.0; 0 for
    none) in place of the script's own (default 0.003, pink).
    `voice_jitter` varies each espeak-ng sentence's speed and pitch slightly (seeded).
    Sentence times are those of the speech itself, trimmed of the engine's silence.
    """
    validate_script(script)
    if fmt not in FORMATS:
        raise SynthError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    recording = recording_spec(script)
    if noise is not None:
        if not 0.0 <= float(noise) < 0.5:
            raise SynthError(f"noise must be between 0 and 0.5 (RMS of full scale), not {noise}")
        recording["noise"]["rms"] = float(noise)
    out_stem = Path(out_stem)
    voices = {name: voice_spec(name, spec) for name, spec in script["speakers"].items()}
    check_tools(list(voices.values()))
    renderer = Renderer(seed)
    pronunciations = {**DEFAULT_PRONUNCIATIONS, **{str(k): str(v) for k, v in (script.get("pronounce") or {}).items()}}
    pauses = random.Random(f"pauses:{seed}")
    jitter = random.Random(f"jitter:{seed}")

    pieces: list[tuple[int, np.ndarray]] = []  # (start sample, samples)
    sentences: list[dict] = []
    items: list[dict] = []
    cursor = _seconds_to_samples(pauses.uniform(*LEAD_IN))
    previous_speaker = None
    for item_index, item in enumerate(script["items"]):
        if item_index > 0:
            cursor += _seconds_to_samples(pauses.uniform(*PAUSE_ITEM_CHANGE))
        first_sentence = len(sentences)
        for line in item["lines"]:
            speaker = line["speaker"]
            voice = voices[speaker]
            for sentence in split_sentences(line["text"]):
                if len(sentences) > first_sentence:
                    span = PAUSE_SAME_SPEAKER if speaker == previous_speaker else PAUSE_SPEAKER_CHANGE
                    cursor += _seconds_to_samples(pauses.uniform(*span))
                said_with = voice
                if voice_jitter and voice["engine"] == "espeak":
                    said_with = {
                        **voice,
                        "speed": round(voice["speed"] * jitter.uniform(0.95, 1.05)),
                        "pitch": min(99, max(0, voice["pitch"] + jitter.randint(-4, 4))),
                    }
                audio = renderer.render(spoken_form(sentence, pronunciations), said_with)
                gain = SENTENCE_PEAK / float(np.abs(audio).max()) * 10 ** (voice["gain_db"] / 20)
                pieces.append((cursor, audio * gain))
                sentences.append(
                    {
                        "index": len(sentences),
                        "text": written_form(sentence),
                        "start": round(cursor / TTS_RATE, 3),
                        "end": round((cursor + audio.size) / TTS_RATE, 3),
                        "speaker": speaker,
                        "item": item_index,
                    }
                )
                cursor += audio.size
                previous_speaker = speaker
        own = sentences[first_sentence:]
        items.append(
            {
                "index": item_index,
                "title": str(item["title"]).strip(),
                "speaker": main_speaker(item),
                "start": own[0]["start"],
                "end": own[-1]["end"],
                "first_sentence": own[0]["index"],
                "last_sentence": own[-1]["index"],
            }
        )
    total = cursor + _seconds_to_samples(pauses.uniform(*TAIL))

    speech = np.zeros(total, dtype=np.float64)
    for start, audio in pieces:
        speech[start : start + audio.size] += audio
    mix = dress(speech, recording, seed, renderer)

    audio_path = out_stem.with_name(f"{out_stem.name}.{fmt}")
    encode(mix, TTS_RATE, audio_path, fmt, bitrate=recording["bitrate"] or BITRATE)

    speech_time: dict[str, float] = {name: 0.0 for name in voices}
    for sentence in sentences:
        speech_time[sentence["speaker"]] += sentence["end"] - sentence["start"]
    truth = {
        "title": str(script["title"]).strip(),
        "audio": audio_path.name,
        "duration": round(total / TTS_RATE, 3),
        "sample_rate": OUTPUT_RATE,
        "seed": seed,
        "noise": recording["noise"]["rms"],
        "recording": recording,
        "voice_jitter": bool(voice_jitter),
        "generator": f"synth_webinar v{GENERATOR_VERSION}",
        "speakers": {
            name: {**voice, "speech_time": round(speech_time[name], 3)} for name, voice in voices.items()
        },
        "items": items,
        "sentences": sentences,
    }
    stem = out_stem.name
    _write_atomic(
        out_stem.with_name(f"{stem}.truth.json"),
        (json.dumps(truth, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    )
    _write_atomic(out_stem.with_name(f"{stem}.agenda.yaml"), _yaml_text(agenda_of(script)).encode("utf-8"))
    _write_atomic(out_stem.with_name(f"{stem}.agenda.txt"), agenda_text(script).encode("utf-8"))
    return truth


def _seconds_to_samples(seconds: float) -> int:
    return int(round(seconds * TTS_RATE))


# ---------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Synthesize a webinar from a script with espeak-ng, flite, Festival and Piper voices; "
        "writes audio, truth and agenda files."
    )
    parser.add_argument("script", type=Path, help="webinar script YAML")
    parser.add_argument("--out", type=Path, required=True, help="output path without extension: DIR/STEM")
    parser.add_argument("--seed", type=int, default=0, help="seed for pauses, noise and jitter (default 0)")
    parser.add_argument("--noise", type=float, default=None,
                        help="background noise RMS, full scale 1.0 (default: the script's, else 0.003; 0 = none)")
    parser.add_argument("--format", choices=FORMATS, default="mp3", help="audio format (default mp3)")
    parser.add_argument("--voice-jitter", action="store_true", help="vary speed and pitch per sentence")
    args = parser.parse_args(argv)
    try:
        script = load_script(args.script)
        truth = synthesize(script, args.out, seed=args.seed, noise=args.noise, fmt=args.format, voice_jitter=args.voice_jitter)
    except SynthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    audio = args.out.with_name(f"{args.out.name}.{args.format}")
    print(
        f"{audio}: {truth['duration']:.1f} s, {len(truth['sentences'])} sentences, "
        f"{len(truth['items'])} items, {audio.stat().st_size / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
