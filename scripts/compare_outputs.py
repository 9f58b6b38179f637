"""Compare two output folders of the same recording, file by file: the bytes of every file, and
for transcript.json and report.json everything but times, timings and paths (which change from run
to run). For a refactoring that must keep behaviour:

    captioner run recordings/view-to-a-border.mp3 --languages es --out /tmp/before   # on the old code
    captioner run recordings/view-to-a-border.mp3 --languages es --out /tmp/after    # on the new
    python scripts/compare_outputs.py /tmp/before/view-to-a-border /tmp/after/view-to-a-border

Prints each difference and exits 1 if there is one.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

VARYING = {"timings", "seconds", "stages", "seconds_total", "media", "path", "layout_seconds", "translate_seconds"}


def without_varying(value):
    if isinstance(value, dict):
        return {k: without_varying(v) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list):
        return [without_varying(v) for v in value]
    return value


def differences(a, b, where: str = ""):
    if type(a) is not type(b):
        yield f"{where}: {str(a)[:80]!r} -> {str(b)[:80]!r}"
    elif isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                yield f"{where}/{key}: only in the {'second' if key in b else 'first'}"
            else:
                yield from differences(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{where}[{i}]")
    elif a != b:
        yield f"{where}: {str(a)[:80]!r} -> {str(b)[:80]!r}"


def compare(first: Path, second: Path) -> list[str]:
    found = []
    names = {p.relative_to(first) for p in first.rglob("*") if p.is_file() and ".cache" not in p.parts}
    names |= {p.relative_to(second) for p in second.rglob("*") if p.is_file() and ".cache" not in p.parts}
    for name in sorted(names):
        a, b = first / name, second / name
        if not a.exists() or not b.exists():
            found.append(f"{name}: only in {'the second' if b.exists() else 'the first'} folder")
        elif name.suffix == ".json" and name.name in ("transcript.json", "report.json"):
            one, two = (without_varying(json.loads(p.read_text(encoding="utf-8"))) for p in (a, b))
            found += [f"{name}{line}" for line in differences(one, two)]
        elif a.read_bytes() != b.read_bytes():
            found.append(f"{name}: the bytes differ")
    return found


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    problems = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(problems) or "the same, apart from times, timings and paths")
    sys.exit(1 if problems else 0)
