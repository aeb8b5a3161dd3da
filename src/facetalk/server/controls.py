"""Controls from client JSON, driven by the dataclass fields themselves, so a field added to
facetalk.config.Controls is accepted (and listed for the page) without touching the server."""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from typing import Any

from facetalk.config import Controls

_JSON_TYPES = {bool: "bool", int: "int", float: "float", str: "str"}


def controls_schema() -> list[dict[str, Any]]:
    """One entry per Controls field: name, JSON type, default (and the field's metadata, if any)."""
    hints = typing.get_type_hints(Controls)
    out = []
    for f in dataclasses.fields(Controls):
        entry = {"name": f.name, "type": _JSON_TYPES.get(hints[f.name], str(hints[f.name])),
                 "default": f.default if f.default is not dataclasses.MISSING else None}
        entry.update({k: v for k, v in f.metadata.items() if isinstance(k, str)})
        out.append(entry)
    return out


def controls_from_json(data: Any) -> Controls:
    """Controls from a JSON object of field -> value; missing fields keep their defaults.

    Raises ValueError naming the field for unknown names, wrong JSON types or out-of-range values.
    """
    if not isinstance(data, dict):
        raise ValueError("controls must be a JSON object of name -> value")
    hints = typing.get_type_hints(Controls)
    known = [f.name for f in dataclasses.fields(Controls)]
    values = {}
    for name, value in data.items():
        if name not in known:
            raise ValueError(f"unknown control '{name}' (known: {', '.join(known)})")
        values[name] = _coerce(name, value, hints[name])
    try:
        return Controls(**values)
    except (TypeError, ValueError) as err:
        raise ValueError(f"bad controls: {err}") from None


def _coerce(name: str, value: Any, hint: Any) -> Any:
    """JSON value -> the field's Python type; fields of other (e.g. union) types are passed to
    Controls as they are, for its own validation."""
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and value.is_integer()
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif hint is str:
        ok = isinstance(value, str)
    else:
        return value
    if not ok:
        wanted = {bool: "true or false", int: "an integer", float: "a finite number", str: "a string"}[hint]
        raise ValueError(f"control '{name}' must be {wanted}, not {json.dumps(value)[:40]}")
    return hint(value)
