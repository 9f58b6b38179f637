"""docs/cli.md is the commands' own --help, and stays so."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_cli_reference_is_the_help_of_every_command():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr + "\n(run: python scripts/cli_reference.py)"
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in ("run", "batch", "transcribe", "captions", "agenda", "replay", "qc", "glossary review",
                    "glossary export", "glossary import", "glossary check", "review export", "review import",
                    "languages list", "languages install"):
        assert f"## `captioner {command}`" in text and f"Usage: captioner {command} [OPTIONS]" in text, command


def test_every_option_of_every_command_has_help():
    import click

    from captioner.cli.main import main

    missing = []

    def walk(command: click.Command, path: str) -> None:
        missing.extend(f"{path} {'/'.join(p.opts)}" for p in command.params
                       if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip())
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(main, "captioner")
    assert missing == []
