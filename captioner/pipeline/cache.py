"""Stage results cached on disk, keyed by a hash of everything that shapes them."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from captioner.fileio import write_text_atomic


def stable_hash(value: Any) -> str:
    """A hash of a JSON-able value that does not depend on dict order."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class StageCache:
    """One JSON file per stage under `<out>/<stem>/.cache/`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, stage: str) -> Path:
        return self.folder / f"{stage}.json"

    def get(self, stage: str, key: str) -> Any | None:
        path = self._path(stage)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        return stored.get("data")

    def put(self, stage: str, key: str, data: Any) -> None:
        write_text_atomic(self._path(stage), json.dumps({"key": key, "data": data}, ensure_ascii=False))
