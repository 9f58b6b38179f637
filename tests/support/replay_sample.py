"""Inputs for the replay page tests, built from the sample webinar's known truth.

`build_sample_folder` writes what `captioner run` would leave in OUT/<stem>/
(transcript.json, <stem>.<lang>.vtt/.srt, <stem>.en.txt, <stem>.chapters.vtt,
report.json) and then builds the page. The transcript is the synthetic
webinar's script with its true sentence times (words spread over each sentence
by length), so the page's content is known exactly; captions come from
captioner.captions.segment.segment, Spanish from the Apertium engine. To test on a real
pipeline run instead, call `from_pipeline_run`, which takes a RunResult.
"""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from captioner.captions.rules import get_profile
from captioner.captions.segment import segment
from captioner.formats.chapters import write_chapters_vtt
from captioner.formats.srt import write_srt
from captioner.formats.text import write_text
from captioner.formats.vtt import write_vtt
from captioner.glossary.formats import default_glossary_files, load_glossaries
from captioner.glossary.model import Concept, Glossary, Translation
from captioner.model import Chapter, Cue, CueTrack, MediaInfo, Segment, Transcript, Word, transcript_to_json
from captioner.replay import build_replay

ROOT = Path(__file__).resolve().parents[2]
STEM = "view-to-a-border"
SAMPLE_AUDIO = ROOT / "recordings" / f"{STEM}.mp3"
SAMPLE_TRUTH = ROOT / "recordings" / f"{STEM}.truth.json"

# Hand-translated Arabic for the first sentences, at those sentences' times: no
# English->Arabic engine is installable offline, and the page needs a
# right-to-left track to prove its direction handling.
ARABIC = [
    "مساء الخير، ومرحباً بكم في «نظرة إلى الحدود»، سلسلة ندوات مكتب الأمم المتحدة لمكافحة الإرهاب.",
    "اسمي دانيال هارتمان، من مركز الأمم المتحدة لمكافحة الإرهاب.",
    "نتناول اليوم مع شركائنا التعاون عبر الحدود وتبادل المعلومات.",
]


@functools.lru_cache(maxsize=1)
def sample_glossary() -> Glossary:
    """The project's own glossary files (glossary/*), as `captioner run` reads them (read once)."""
    files = default_glossary_files(ROOT / "glossary")
    if not files:
        raise FileNotFoundError(f"no glossary files in {ROOT / 'glossary'}")
    return load_glossaries(files)


def sample_files(workdir: Path) -> tuple[Path, Path]:
    """The sample recording and its truth; synthesized into workdir if the repository does not hold them yet."""
    if SAMPLE_AUDIO.is_file() and SAMPLE_TRUTH.is_file():
        return SAMPLE_AUDIO, SAMPLE_TRUTH
    out = workdir / "recordings" / STEM
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "synth_webinar.py"),
                    str(ROOT / "recordings" / f"{STEM}.script.yaml"), "--out", str(out), "--seed", "2396"],
                   check=True, capture_output=True)
    return out.with_suffix(".mp3"), out.with_name(f"{STEM}.truth.json")


def transcript_from_truth(truth: dict, audio: Path) -> Transcript:
    segments = []
    for sentence in truth["sentences"]:
        tokens = sentence["text"].split()
        span = sentence["end"] - sentence["start"]
        weights = [len(t) + 1 for t in tokens]
        total, acc, words = sum(weights), 0, []
        for token, weight in zip(tokens, weights):
            start = sentence["start"] + span * acc / total
            acc += weight
            words.append(Word(text=token, start=round(start, 3), end=round(sentence["start"] + span * acc / total, 3),
                              speaker=sentence["speaker"]))
        segments.append(Segment(start=sentence["start"], end=sentence["end"], text=sentence["text"], words=words))
    items = truth["items"]
    chapters = [Chapter(title=item["title"], start=0.0 if i == 0 else item["start"],
                        end=items[i + 1]["start"] if i + 1 < len(items) else truth["duration"],
                        speakers=[item["speaker"]] if item.get("speaker") else [])
                for i, item in enumerate(items)]
    media = MediaInfo(path=str(audio), sha256="", duration=truth["duration"], has_video=False)
    return Transcript(language="en", duration=truth["duration"], segments=segments, media=media, chapters=chapters)


def caption_track(transcript: Transcript) -> CueTrack:
    cues, _ = segment(transcript.words, get_profile(None, language="en"),
                      boundaries=[c.start for c in transcript.chapters[1:]])
    return CueTrack(language="en", cues=cues)


def spanish_track(source: CueTrack) -> CueTrack:
    from captioner.translate.apertium import ApertiumEngine

    engine = ApertiumEngine()
    texts = engine.translate_batch([c.text for c in source.cues], "en", "es")
    return CueTrack(language="es", engine="apertium",
                    cues=[Cue(start=c.start, end=c.end, lines=[t], speaker=c.speaker) for c, t in zip(source.cues, texts)])


def arabic_track(truth: dict) -> CueTrack:
    sentences = truth["sentences"]
    return CueTrack(language="ar", engine="hand-translated test data",
                    cues=[Cue(start=s["start"], end=s["end"], lines=[text]) for s, text in zip(sentences, ARABIC)])


@dataclass
class SampleReplay:
    folder: Path
    index: Path
    stem: str
    transcript: Transcript
    tracks: dict[str, CueTrack]
    media: Path


def write_caption_files(folder: Path, stem: str, transcript: Transcript, tracks: dict[str, CueTrack]) -> None:
    """What the pipeline writes before it builds the page."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transcript.json").write_text(transcript_to_json(transcript), encoding="utf-8")
    for lang, track in tracks.items():
        (folder / f"{stem}.{lang}.vtt").write_text(write_vtt(track.cues, language=lang), encoding="utf-8")
        (folder / f"{stem}.{lang}.srt").write_text(write_srt(track.cues, language=lang), encoding="utf-8")
    for lang, track in tracks.items():
        text = write_text(transcript) if lang == transcript.language else write_text(transcript, track.cues, language=lang)
        (folder / f"{stem}.{lang}.txt").write_text(text, encoding="utf-8")
    if transcript.chapters:
        (folder / f"{stem}.chapters.vtt").write_text(write_chapters_vtt(transcript.chapters), encoding="utf-8")
    report = {"recording": stem, "duration": transcript.duration, "language": transcript.language,
              "translations": {lang: {"engine": t.engine} for lang, t in tracks.items() if t.engine}}
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def build_sample_folder(out_dir: Path, workdir: Path, media_dir: Path | None = None,
                        copy_media: bool = False) -> SampleReplay:
    """The sample's outputs in out_dir/<stem>/ and its page; with media_dir, the recording is
    copied there first (as recordings/ beside transcripts/, so one web server can serve both)."""
    audio, truth_path = sample_files(workdir)
    if media_dir is not None:
        media_dir.mkdir(parents=True, exist_ok=True)
        audio = Path(shutil.copy2(audio, media_dir / audio.name))
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    transcript = transcript_from_truth(truth, audio)
    source = caption_track(transcript)
    tracks = {"en": source, "es": spanish_track(source), "ar": arabic_track(truth)}
    folder = out_dir / STEM
    write_caption_files(folder, STEM, transcript, tracks)
    index = build_replay(folder, STEM, transcript, tracks, audio, glossary=sample_glossary(),
                         title=truth["title"], copy_media=copy_media)
    return SampleReplay(folder, index, STEM, transcript, tracks, audio)


def from_pipeline_run(result, media: Path, glossary=None, title: str | None = None) -> SampleReplay:
    """The same record for a real `captioner.pipeline.run.run_one` result (which builds the page itself)."""
    index = result.folder / "index.html"
    if not index.is_file():
        index = build_replay(result.folder, result.stem, result.transcript, result.tracks, media,
                             glossary=glossary, title=title)
    return SampleReplay(result.folder, index, result.stem, result.transcript, result.tracks, Path(media))


# --- hostile text, for the escaping tests ------------------------------------------

SCRIPT_TAG = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"onerror=alert(1) x="'
TRACK_END = "</track>"
PAYLOADS = (SCRIPT_TAG, ATTRIBUTE_BREAK, TRACK_END, "</script><script>alert(2)</script>",
            "<img src=x onerror=alert(3)>", "<!--", "]]>", "'onfocus='alert(4)")
PAYLOAD_STEM = 'talk "onerror=alert(1) x=" <script>'


def tone_wav(path: Path, seconds: float = 8.0, rate: int = 16000) -> Path:
    """A quiet 440 Hz tone: playable media that needs no codec beyond PCM."""
    import math
    import struct
    import wave

    frames = b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
                      for i in range(int(seconds * rate)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def payload_transcript(media: Path) -> Transcript:
    speaker = f'{SCRIPT_TAG} {ATTRIBUTE_BREAK}'
    sentences = [
        (0.5, 2.0, f"Welcome {SCRIPT_TAG} to UNOCT."),
        (2.2, 3.8, f"He said {ATTRIBUTE_BREAK} and {TRACK_END} then."),
        (4.5, 6.0, f"Ends {PAYLOADS[3]} {PAYLOADS[4]} {PAYLOADS[5]} {PAYLOADS[6]} {PAYLOADS[7]} here."),
    ]
    segments = []
    for start, end, text in sentences:
        tokens = text.split()
        step = (end - start) / len(tokens)
        words = [Word(text=t, start=round(start + i * step, 3), end=round(start + (i + 1) * step, 3), speaker=speaker)
                 for i, t in enumerate(tokens)]
        segments.append(Segment(start=start, end=end, text=text, words=words))
    chapters = [Chapter(title=f"{TRACK_END}{SCRIPT_TAG}", start=0.0, end=4.2, speakers=[PAYLOADS[7], ATTRIBUTE_BREAK]),
                Chapter(title=ATTRIBUTE_BREAK + PAYLOADS[3], start=4.2, end=8.0)]
    return Transcript(language="en", duration=8.0, segments=segments, chapters=chapters,
                      media=MediaInfo(path=str(media), sha256="", duration=8.0))


def payload_glossary() -> Glossary:
    return Glossary([
        Concept(id="unoct", term="UNOCT", definition=f"{SCRIPT_TAG} {ATTRIBUTE_BREAK} {TRACK_END}",
                definition_source=PAYLOADS[3]),
        Concept(id="track", term=TRACK_END, definition=PAYLOADS[4],
                translations={"es": Translation(SCRIPT_TAG, "approved")}),
    ])


def build_payload_folder(out_dir: Path, media_dir: Path) -> SampleReplay:
    """A recording whose transcript, agenda, speaker, glossary, translation, title and even
    file names hold markup meant to break out of the page."""
    media = tone_wav(media_dir / f"{PAYLOAD_STEM}.wav")
    transcript = payload_transcript(media)
    source_cues, _ = segment(transcript.words, get_profile(None, language="en"), boundaries=[4.2])
    tracks = {"en": CueTrack(language="en", cues=source_cues),
              "es": CueTrack(language="es", engine=SCRIPT_TAG, cues=[
                  Cue(start=0.5, end=2.0, lines=[SCRIPT_TAG, ATTRIBUTE_BREAK], speaker=TRACK_END),
                  Cue(start=2.2, end=3.8, lines=[TRACK_END + PAYLOADS[3]]),
                  Cue(start=4.5, end=6.0, lines=[PAYLOADS[4] + PAYLOADS[7]])])}
    folder = out_dir / PAYLOAD_STEM
    write_caption_files(folder, PAYLOAD_STEM, transcript, tracks)
    index = build_replay(folder, PAYLOAD_STEM, transcript, tracks, media, glossary=payload_glossary(),
                         title=f"{SCRIPT_TAG}{ATTRIBUTE_BREAK}{TRACK_END}")
    return SampleReplay(folder, index, PAYLOAD_STEM, transcript, tracks, media)
