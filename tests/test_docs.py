"""The README tells the truth: its examples print what it shows, and it documents every knob."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from locator import create_app
from locator.config import SETTINGS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _curl_examples():
    """(path, shown output) for each ``curl -s 'http://127.0.0.1:5000/...'`` in the README.

    The output is the rest of the curl's code block, or the next code block when
    the curl's block holds only the command.
    """
    examples = []
    for m in re.finditer(r"curl -s 'http://127\.0\.0\.1:5000(?P<path>[^']+)'[^\n]*\n", README):
        rest = README[m.end() :]
        block = rest.split("```", 1)[0]
        if not block.strip():  # the output is in the next block
            block = rest.split("```", 3)[2].split("\n", 1)[1]
        examples.append((m["path"], block.strip()))
    return examples


def test_the_first_screen_gives_both_commands_and_the_url():
    first = "\n".join(README.splitlines()[:40])
    assert "make run" in first and "make test" in first and "http://127.0.0.1:5000" in first


def test_the_readme_curl_examples_print_what_the_readme_shows(client):
    examples = _curl_examples()
    assert len(examples) >= 2
    for path, shown in examples:
        answer = client.get(path)
        assert answer.get_json() == json.loads(shown), path


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_every_setting_is_documented(setting):
    assert f"| `{setting}` |" in README


def test_every_command_is_documented_with_help(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite+pysqlite:///{tmp_path}/d.sqlite"})
    ours = {"init-db", "check-db", "load-demo", "settings"}
    assert ours <= set(app.cli.commands)
    for name in ours:
        assert app.cli.commands[name].help, name
        assert f"flask --app locator {name}" in README, name


def _console_session(heading: str) -> list[tuple[str, list[str]]]:
    """(command, output lines) from the ```console block after ``heading`` in the README."""
    block = README.split(heading, 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def test_the_readme_import_transcript_is_what_the_commands_print(db_url, session, tmp_path, monkeypatch):
    import shlex
    import shutil

    root = Path(__file__).parent.parent
    shutil.copytree(root / "tests" / "data" / "csv", tmp_path / "tests" / "data" / "csv")
    monkeypatch.chdir(tmp_path)
    runner = create_app({"DATABASE_URL": db_url}).test_cli_runner()
    steps = _console_session("### An import, as it looks")
    assert len(steps) == 3
    for command, shown in steps:
        args = shlex.split(command)
        assert args[:3] == ["flask", "--app", "locator"]
        result = runner.invoke(args=args[3:])
        assert result.output.splitlines() == shown, command
