"""Escaping for the three places text goes in the page: element text, attributes, URLs and JSON."""
from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import quote


def text(value: Any) -> str:
    """Element content: every &, <, >, quote escaped."""
    return html.escape(str(value), quote=True)


def attr(value: Any) -> str:
    """An attribute value, to be placed inside double quotes."""
    return html.escape(str(value), quote=True)


def url(relative_path: str) -> str:
    """A relative path as a URL: each segment percent-encoded ('#', '?', ' ' cannot cut it short)."""
    return "/".join(quote(part, safe="") for part in relative_path.split("/"))


def script_json(data: Any) -> str:
    """JSON for a <script type="application/json"> block: no </script>, <!--, or ]]> can appear."""
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (encoded.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def token(value: str) -> str:
    """A value safe inside an id or class: letters, digits and hyphens."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", value).strip("-") or "x"
