"""The layers point one way (README, Development), and the contracts that say so can fail.

The contracts are in ``pyproject.toml`` (``[tool.importlinter]``); ``lint-imports``
checks them over every import, including imports inside functions.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.source_scan import project_sources

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("locator", "devtools")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(cwd), "NO_COLOR": "1"},
    )


def test_the_layer_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    """The packages and their contracts, copied so an import can be added for the test."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "added", "broken"),
    [
        ("locator/domain/fees.py", "import locator.web.pages", "locator.domain is not allowed to import locator.web"),
        ("locator/models.py", "from locator import query", "locator.models is not allowed to import locator.query"),
        (
            "locator/query.py",
            "import locator.importers.load",
            "locator.query is not allowed to import locator.importers",
        ),
        (
            "locator/importers/load.py",
            "from locator.cli import imports",
            "locator.importers is not allowed to import locator.cli",
        ),
        (
            "locator/web/api.py",
            "import locator.importers.pipeline",
            "locator.web is not allowed to import locator.importers",
        ),
        ("locator/spatial.py", "import flask", "locator.spatial is not allowed to import flask"),
        ("locator/query.py", "import devtools.browser", "locator is not allowed to import devtools"),
    ],
)
def test_an_import_against_the_layers_breaks_a_contract(tree_copy, module, added, broken):
    path = tree_copy / module
    path.write_text(path.read_text() + f"\n{added}  # added by the test\n")
    result = lint_imports(tree_copy)
    assert result.returncode == 1, result.stdout
    assert broken in result.stdout


def test_importing_the_query_core_does_not_import_flask():
    code = (
        "import sys, locator.query, locator.gazetteer, locator.importers.pipeline, locator.maps; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_babel', 'flask_wtf', 'werkzeug')))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_nothing_outside_the_tests_imports_them():
    sources = dict(project_sources())
    assert any(p.startswith("bench/") for p in sources) and any(p.startswith("scripts/") for p in sources)
    assert [path for path, tree in sources.items() if "tests" in _imported_roots(tree)] == []


def _layers() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    assert contract["containers"] == ["locator"] and contract["exhaustive"]
    return [m.strip() for layer in contract["layers"] for m in layer.replace("|", ":").split(":")]


def test_the_readme_diagram_names_every_layer_of_the_contract():
    readme = (ROOT / "README.md").read_text()
    diagram = readme[readme.index("### Layout: layers that point one way") :].split("```")[1]
    modules = _layers()
    assert len(modules) > 10
    for module in modules:
        shown = f"{module}/" if (ROOT / "locator" / module).is_dir() else f"{module}.py"
        assert shown in diagram, module


def test_a_module_without_a_layer_breaks_the_contract(tree_copy):
    """The contract is exhaustive: a new module of locator must be given its place in it."""
    (tree_copy / "locator" / "planner.py").write_text('"""A room not yet placed."""\n')
    result = lint_imports(tree_copy)
    assert result.returncode == 1, result.stdout
    assert "locator.planner" in result.stdout


def test_no_module_of_the_project_is_over_400_lines():
    """Rooms named for what they hold stay small; a module that grows past this is split by concern.

    (The benchmarks and the tests are scripts and specifications, not rooms of the service.)"""
    sizes = {
        path: len((ROOT / path).read_text().splitlines())
        for path, _tree in project_sources()
        if not path.startswith("bench/")
    }
    assert len(sizes) > 50
    assert {path: n for path, n in sizes.items() if n > 400} == {}
