"""JSON text from users (controls, timelines, stream messages) parsed with a nesting limit: the
standard parser recurses once per level and a few thousand brackets exhaust Python's stack."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
_STRING = re.compile(r'"(?:\\.|[^"\\])*"', re.DOTALL)


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects of JSON `text` nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for char in _STRING.sub('""', text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, refusing text nested deeper than `max_depth` with a ValueError (json.JSONDecodeError
    for invalid JSON, a ValueError too)."""
    if nesting_depth(text) > max_depth:
        raise ValueError(f"JSON nested deeper than {max_depth} levels")
    return json.loads(text)
