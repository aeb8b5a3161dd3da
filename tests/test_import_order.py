"""Stages import only downward (docs/architecture.md's order): an AST scan of every facetalk
import in the package, so a new upward import fails here rather than in a review."""

import ast
from pathlib import Path

import pytest

import facetalk

# Lowest first; a package may import those on earlier rows only (the same row: none of them).
ORDER = (
    ("params", "config", "errors", "jsontext", "imaging", "system"),
    ("audio",),
    ("face",),
    ("motion",),
    ("render", "io"),
    ("provenance",),
    ("pipeline",),
    ("server", "batch", "integrations"),
    ("cli",),
)
LEVEL = {name: row for row, names in enumerate(ORDER) for name in names}
# Within the bottom row only config reads jsontext; io writes MotionFrames (motion.frame), which
# is below it anyway; render and io do not import each other.
ALLOWED_SIDEWAYS = {("config", "jsontext")}


def _imports(path: Path, root: Path) -> list[tuple[str, int]]:
    """(facetalk package, line) of each import in `path` of a facetalk package."""
    return _imports_in(path.read_text(encoding="utf-8"), path.relative_to(root).with_suffix("").parts)


def _imports_in(source: str, parts: tuple[str, ...]) -> list[tuple[str, int]]:
    """The same for `source`, the module at `parts` under the package (("motion", "face") for
    facetalk/motion/face.py)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, `level` - 1 packages up
                base = parts[:-node.level] if len(parts) >= node.level else ()
                module = ".".join(("facetalk",) + base + ((node.module,) if node.module else ()))
            else:
                module = node.module or ""
            names = [module] + ([f"{module}.{a.name}" for a in node.names] if module == "facetalk" else [])
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "facetalk" and len(bits) > 1 and bits[1] in LEVEL:
                found.append((bits[1], node.lineno))
    return found


def test_every_stage_imports_only_the_stages_below_it():
    root = Path(facetalk.__file__).parent
    upward = []
    for path in sorted(root.rglob("*.py")):
        own = path.relative_to(root).with_suffix("").parts[0]
        if own not in LEVEL:  # the package's __init__ and __main__
            continue
        for other, line in _imports(path, root):
            if other == own or (own, other) in ALLOWED_SIDEWAYS:
                continue
            if LEVEL[other] >= LEVEL[own]:
                upward.append(f"{path.relative_to(root)}:{line} imports {other}")
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("source, parts", [
    ("from facetalk.render.camera import Camera", ("motion", "x")),
    ("import facetalk.render.camera", ("motion", "x")),
    ("from facetalk import render", ("motion", "x")),
    ("from ..render import camera", ("motion", "x")),
    ("from .. import render", ("motion", "x")),
    ("from . import render", ("pipeline",)),
])
def test_the_scan_sees_imports_of_every_form(source, parts):
    """Absolute, `import facetalk.x` and relative imports of a package all count."""
    assert [name for name, _ in _imports_in(source, parts)] == ["render"]


def test_every_package_has_a_place_in_the_order():
    """Every package and top-level module but the package data (facetalk.data)."""
    root = Path(facetalk.__file__).parent
    packages = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"data"}
    modules = {p.stem for p in root.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert (packages | modules) - set(LEVEL) == set()
