"""captioner: accessible transcripts and multilingual captions for recorded webinars.

The library API, for scripts and notebooks (the CLI is a thin layer over it)::

    from captioner import RunOptions, run_one
    result = run_one("recordings/webinar.mp4", RunOptions(languages=["es"]))
    result.files, result.report["qc"]["en"]["compliant_fraction"]

Names are imported on first use, so `import captioner` (and `captioner --help`) stays fast.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# name -> the module that defines it
_API = {
    "run_one": "pipeline.run", "RunOptions": "pipeline.run", "RunResult": "pipeline.run", "transcribe_only": "pipeline.run",
    "run_batch": "pipeline.batch",
    "AsrOptions": "asr.recognize", "transcribe_audio": "asr.recognize",
    "Transcript": "model", "Segment": "model", "Word": "model", "Cue": "model", "CueTrack": "model",
    "Chapter": "model", "load_transcript": "model",
    "Glossary": "glossary.model", "load_glossary": "glossary.formats", "load_glossaries": "glossary.formats",
    "correct_transcript": "correct.spelling",
    "Profile": "captions.rules", "get_profile": "captions.rules",
    "make_captions": "captions.segment",
    "check_cues": "captions.qc", "read_captions": "formats",
    "CaptionerError": "errors",
    "Workspace": "workspace",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        value = getattr(importlib.import_module(f".{_API[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'captioner' has no attribute {name!r}")
