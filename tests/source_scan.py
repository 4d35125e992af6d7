"""The project's own Python sources, for tests that check a rule holds everywhere but in one place."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("locator", "devtools", "data", "scripts", "bench", "migrations", "translations")
"""Every folder of the project's code but the tests (which may compute things a second way, to check them)."""


def project_sources() -> Iterator[tuple[str, ast.AST]]:
    """(path relative to the repository, parsed module) of every .py file of SOURCE_DIRS."""
    for top in SOURCE_DIRS:
        for path in sorted((REPO / top).rglob("*.py")):
            if "__pycache__" in path.parts or "static" in path.parts:
                continue
            yield path.relative_to(REPO).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def dotted(node: ast.AST) -> str:
    """'math.cos' for ``math.cos``, 'cos' for ``cos``, '' for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    return ""
