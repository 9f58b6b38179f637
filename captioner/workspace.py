"""One recording's output folder, OUT/<stem>: the name of every file in it, and reading back its
transcript and report.

Every command finds its files here, so they cannot disagree on a name::

    OUT/<stem>/transcript.json        the words, speakers and chapters (what later stages start from)
    OUT/<stem>/report.json            what the run did and what to check
    OUT/<stem>/corrections.json       each glossary correction
    OUT/<stem>/<stem>.<lang>.srt|vtt|txt   one language's published files
    OUT/<stem>/<stem>.chapters.vtt, chapters.txt
    OUT/<stem>/index.html, replay.json     the replay page and what the series page lists of it
    OUT/<stem>/review/                translators' units, reviewed texts and XLIFF exchange files
    OUT/<stem>/.cache/, .lock         stage results, and the lock a run holds
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from captioner.errors import InputFileError
from captioner.fileio import read_input_bytes
from captioner.model import Transcript, transcript_from_json

TRANSCRIPT = "transcript.json"
REPORT = "report.json"
CORRECTIONS = "corrections.json"
CHAPTERS_TXT = "chapters.txt"
PAGE = "index.html"
PAGE_SUMMARY = "replay.json"
REVIEW = "review"
CACHE = ".cache"
LOCK = ".lock"
LANGUAGE_FILES = ("srt", "vtt", "txt")  # every language publishes these three


@dataclass(frozen=True)
class Workspace:
    folder: Path
    stem: str

    @classmethod
    def of(cls, out_dir: Path | str, stem: str) -> "Workspace":
        return cls(Path(out_dir) / stem, stem)

    @classmethod
    def at(cls, folder: Path | str, stem: str | None = None) -> "Workspace":
        folder = Path(folder)
        return cls(folder, stem or folder.name)

    @property
    def transcript(self) -> Path:
        return self.folder / TRANSCRIPT

    @property
    def report(self) -> Path:
        return self.folder / REPORT

    @property
    def corrections(self) -> Path:
        return self.folder / CORRECTIONS

    @property
    def chapters_vtt(self) -> Path:
        return self.folder / f"{self.stem}.chapters.vtt"

    @property
    def rttm(self) -> Path:
        return self.folder / f"{self.stem}.rttm"

    @property
    def chapters_txt(self) -> Path:
        return self.folder / CHAPTERS_TXT

    @property
    def page(self) -> Path:
        return self.folder / PAGE

    @property
    def page_summary(self) -> Path:
        return self.folder / PAGE_SUMMARY

    @property
    def review(self) -> Path:
        return self.folder / REVIEW

    @property
    def cache(self) -> Path:
        return self.folder / CACHE

    @property
    def lock(self) -> Path:
        return self.folder / LOCK

    def track(self, language: str, kind: str) -> Path:
        """<stem>.<lang>.<kind>, kind one of LANGUAGE_FILES."""
        return self.folder / f"{self.stem}.{language}.{kind}"

    def language_files(self, language: str) -> list[Path]:
        return [self.track(language, kind) for kind in LANGUAGE_FILES]

    def machine_files(self, language: str) -> list[Path]:
        """What a run makes for `language` (its caption files and review units), not a reviewer's texts."""
        return [*self.language_files(language), self.units(language)]

    def units(self, language: str) -> Path:
        """What the last translation into `language` made, sentence by sentence (for review)."""
        return self.review / f"{language}.units.json"

    def reviewed(self, language: str) -> Path:
        """A reviewer's texts for `language`, applied on every later run."""
        return self.review / f"{language}.json"

    def xliff(self, language: str) -> Path:
        return self.review / f"{self.stem}.{language}.xlf"

    def track_languages(self) -> list[str]:
        """The languages with a published WebVTT track here, sorted (chapters are not a language)."""
        prefix = f"{self.stem}."
        found = set()
        for path in self.folder.glob(f"{self.stem}.*.vtt"):
            language = path.name[len(prefix):-len(".vtt")]
            if language and "." not in language and language != "chapters":
                found.add(language)
        return sorted(found)

    def load_transcript(self) -> Transcript:
        return read_transcript(self.transcript)

    def read_report(self) -> dict:
        """report.json, or {} where there is none yet."""
        return read_json_object(self.report)


def read_transcript(path: Path | str) -> Transcript:
    """A transcript.json, or one InputFileError saying what is wrong with it and what to do."""
    path = Path(path)
    data = read_input_bytes(path, f"a {TRANSCRIPT}", "run `captioner transcribe` or `captioner run` on the recording first")
    try:
        transcript = transcript_from_json(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not a text file; give a captioner {TRANSCRIPT}") from None
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise InputFileError(f"{path}: not a captioner {TRANSCRIPT} ({exc.__class__.__name__}: {exc}); "
                             "run `captioner transcribe` to make one") from None
    if not isinstance(transcript.segments, list):
        raise InputFileError(f"{path}: not a captioner {TRANSCRIPT} (no segments)")
    return transcript


def read_json_object(path: Path) -> dict:
    """A JSON object written by a run, or {} where the file is not there yet."""
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{path}: not readable JSON ({exc}); rerun `captioner run` on the recording") from None
    return value if isinstance(value, dict) else {}
