"""JSON text from users (controls, timelines, stream messages) parsed with a nesting limit: the
standard parser recurses once per level and a few thousand brackets exhaust Python's stack."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects of JSON `text` nest (brackets inside strings do not count).
    One pass, linear in the text whatever it holds (a regex for the strings would backtrack)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
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
