"""Write docs/cli.md from the commands' own --help, so the reference never drifts from the code.

    .venv/bin/python scripts/cli_reference.py          # rewrite docs/cli.md
    .venv/bin/python scripts/cli_reference.py --check  # exit 1 if docs/cli.md is out of date
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from captioner.cli.main import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def commands(group: click.Group, path: list[str]):
    """(name path, command) for the group and every command under it, in the order --help lists them."""
    yield path, group
    ctx = click.Context(group, info_name=" ".join(path))
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from commands(command, path + [name])
        else:
            yield path + [name], command


def help_text(path: list[str]) -> str:
    """The --help of the command at `path` (["captioner", "glossary", "review"]), 100 columns wide."""
    ctx, command = None, main
    for depth, name in enumerate(path):
        if depth:
            command = command.get_command(ctx, name)
        ctx = click.Context(command, info_name=name, parent=ctx, terminal_width=100, max_content_width=100)
    return command.get_help(ctx)


def reference() -> str:
    out = ["# Command reference", "",
           "Generated from each command's `--help` by `scripts/cli_reference.py`; a test fails when it is out of date.",
           ""]
    for path, _ in commands(main, ["captioner"]):
        out += [f"## `{' '.join(path)}`", "", "```text", help_text(path).rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    text = reference()
    if "--check" in sys.argv[1:]:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            sys.exit(f"{DOC} is out of date: run python scripts/cli_reference.py")
    else:
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
