"""What a run shows while it works, on standard error, in one of four forms (`--progress`):

* ``bar``: on a terminal, the stage now running with the recording's name, a bar over the audio
  while transcribing, and a line for each finished stage that took a second or more;
* ``lines``: one line per finished stage (the default without a terminal: logs, CI);
* ``json``: one JSON object per line for other programs: ``{"event": "stage", "recording",
  "stage", "status": "started"|"done", "seconds", "reused"}``, ``{"event": "progress", ...,
  "done", "total"}`` (audio seconds, at most once a second), ``{"event": "info"|"warning",
  "message"}``;
* ``none``: warnings only (`--quiet`).
"""
from __future__ import annotations

import json
import sys
import time
from typing import Callable

import click

MODES = ("auto", "bar", "lines", "json", "none")
CLEAR_LINE = "\r\x1b[K"  # back to the line's start and erase it
SHOWN_AFTER = 1.0  # a finished stage gets its own line on a terminal when it took this long
_NAMES = {"asr": "transcribing", "correct": "correcting terms", "listen": "listening again",
          "speakers": "finding speakers", "regions": "marking who spoke when", "agenda": "finding chapters", "captions": "making captions",
          "publish": "writing files"}


def stage_name(stage: str) -> str:
    if stage.startswith("translate-"):
        return f"translating into {stage.removeprefix('translate-')}"
    return _NAMES.get(stage, stage)


def resolve_mode(mode: str, quiet: bool) -> str:
    if quiet:
        return "none"
    if mode == "auto":
        return "bar" if sys.stderr.isatty() else "lines"
    return mode


class ProgressReporter:
    """The pipeline's Reporter for the command line."""

    def __init__(self, mode: str = "lines"):
        self.mode = mode
        self.messages: list[str] = []
        self.warnings: list[str] = []
        self.recording = ""
        self._bar = None
        self._running: str | None = None  # a stage line a terminal shows until it is done

    def _json(self, **fields) -> None:
        click.echo(json.dumps(fields, ensure_ascii=False), err=True)

    def _clear(self) -> None:
        if self._running is not None:
            click.echo(CLEAR_LINE, nl=False, err=True, color=True)
            self._running = None

    def info(self, message: str) -> None:
        self.messages.append(message)
        if self.mode == "json":
            self._json(event="info", recording=self.recording, message=message)
        elif self.mode != "none":
            self._clear()
            click.echo(message, err=True)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        if self.mode == "json":
            self._json(event="warning", recording=self.recording, message=message)
        else:
            self._clear()
            click.echo(f"warning: {message}", err=True)

    def stage_started(self, stage: str, recording: str) -> None:
        self.recording = recording
        if self.mode == "json":
            self._json(event="stage", recording=recording, stage=stage, status="started")
        elif self.mode == "bar":
            self._running = stage
            click.echo(f"{CLEAR_LINE}{recording}: {stage_name(stage)} ...", nl=False, err=True, color=True)

    def stage_done(self, stage: str, recording: str, seconds: float, reused: bool) -> None:
        if self.mode == "json":
            self._json(event="stage", recording=recording, stage=stage, status="done",
                       seconds=round(seconds, 3), reused=reused)
            return
        line = f"{recording}: {stage_name(stage)} " + ("reused" if reused else f"done in {seconds:.1f} s")
        if self.mode == "lines":
            click.echo(line, err=True)
        elif self.mode == "bar":
            self._clear()
            if reused or seconds >= SHOWN_AFTER:
                click.echo(line, err=True)

    def progress(self, label: str, total: float) -> Callable[[float], None] | None:
        """An update function over `total` audio seconds, or None where nothing is shown."""
        if total <= 0 or self.mode in ("lines", "none"):
            return None
        if self.mode == "json":
            last = [0.0]

            def emit(seconds: float) -> None:
                now = time.monotonic()
                if now - last[0] >= 1.0:
                    last[0] = now
                    self._json(event="progress", recording=self.recording, stage=label,
                               done=round(min(seconds, total), 1), total=round(total, 1))

            return emit
        self._clear()
        self._bar = click.progressbar(length=int(total) or 1, label=f"{self.recording}: {stage_name(label)}",
                                      file=sys.stderr, show_eta=True)
        self._bar.__enter__()
        done = [0]

        def update(seconds: float) -> None:
            step = int(seconds) - done[0]
            if step > 0:
                self._bar.update(step)
                done[0] += step

        return update

    def done_progress(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
