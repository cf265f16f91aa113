"""The README stays true: each CLI command's line in its command-line block names exactly the options the command
takes, each command's JSON keys are those its table row lists (read from the command's real output), and its two
commands exist."""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from louiestat.cli import build_parser, main
from louiestat.config import get_settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()
PROGRAM = "python -m louiestat"


def _block(heading: str) -> str:
    """The first fenced block after ``heading``."""
    after = README.split(f"\n{heading}\n", 1)[1]
    return after.split("```", 2)[1]


def _documented() -> dict[str, set[str]]:
    """Each command of the README's command-line block (``users add`` for subcommands) with the options its line
    names; ``grant|revoke`` names two commands."""
    lines: dict[str, set[str]] = {}
    for line in _block("## The command line").splitlines():
        if not line.startswith(PROGRAM + " "):
            continue
        words = line.removeprefix(PROGRAM + " ").split()
        names = [""] if words[0].startswith("[") else words[0].split("|")
        if names == ["users"]:
            names = [f"users {sub}" for sub in words[1].split("|")]
        for name in names:
            lines[name] = set(re.findall(r"(--[a-z][a-z-]*)", line))
    return lines


def _commands() -> dict[str, argparse.ArgumentParser]:
    """Every command of the parser, subcommands as ``users add``; the global options under ``""``."""
    def sub(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        return dict(action.choices) if action else {}

    top = build_parser()
    found: dict[str, argparse.ArgumentParser] = {"": top}
    for name, parser in sub(top).items():
        children = sub(parser)
        found |= {f"{name} {child}": p for child, p in children.items()} if children else {name: parser}
    return found


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}


def test_every_cli_command_has_help_and_its_own_line_in_the_readme() -> None:
    documented = _documented()
    for name, parser in _commands().items():
        if name:
            assert parser.description, f"`{name}` has no help text"
            assert name in documented, f"the README's command-line block has no line for `{name}`"
    assert set(documented) <= set(_commands()) | {""}, "the README documents a command the CLI does not have"


@pytest.mark.parametrize("name", sorted(_commands()))
def test_each_commands_line_names_exactly_its_options(name: str) -> None:
    documented = _documented()
    assert documented.get(name) == _options(_commands()[name]), f"`{name}`: README line and parser disagree"


def test_the_readme_line_check_fails_on_a_missing_option() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    assert _options(parser) == {"--json"} != {"--csv"}


def json_table() -> dict[str, list[str]]:
    """The README's "JSON output" table: each command (and nested list, ``scorecard --city --json`` →
    ``departments[]``) with the keys its objects have, in order."""
    table = README.split("\n### JSON output\n", 1)[1].split("\n\n", 2)[1]
    rows: dict[str, list[str]] = {}
    for line in table.splitlines()[2:]:
        command, keys = (cell.strip() for cell in line.strip("|").split("|"))
        rows[command.strip("`")] = re.findall(r"`([a-z_0-9]+)`", keys)
    return rows


def _output(argv: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def sample_with_meetings(meetings_city_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI pointed at a copy of the sample city with its accounts and meetings."""
    shutil.copy(meetings_city_file, tmp_path / "louiestat.db")
    monkeypatch.setenv("LOUIESTAT_DATABASE_URL", f"sqlite:///{tmp_path / 'louiestat.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_json_keys_are_the_readmes(sample_with_meetings: None, capsys: pytest.CaptureFixture[str]) -> None:
    table = json_table()
    outputs = {
        "ingest --json": _output(["ingest", str(ROOT / "louiestat" / "sample_data" / "process_changes.csv"),
                                  "--dry-run", "--json"], capsys),
        "batches --json": _output(["batches", "--json"], capsys)[0],
        "scorecard DEPARTMENT --json": _output(["scorecard", "ems", "--json"], capsys)[0],
        "scorecard --city --json": (city := _output(["scorecard", "--city", "--json"], capsys)),
        "scorecard --city --json departments[]": city["departments"][0],
        "users list --json": _output(["users", "list", "--json"], capsys)[0],
        "agenda DEPARTMENT --as-of YYYY-MM --json": _output(["agenda", "ems", "--as-of", "2016-06", "--json"], capsys)[0],
        "followups --json": _output(["followups", "--json"], capsys)[0],
        "remind --json": (reminded := _output(["remind", "--month", "2016-06", "--dry-run", "--json"], capsys)),
        "remind --json reminders[]": reminded["reminders"][0],
        "remind --json reminders[].kpis[]": reminded["reminders"][0]["kpis"][0],
    }
    assert set(outputs) == set(table), "the README's JSON table and this test list different commands"
    for command, output in outputs.items():
        assert list(output) == table[command], f"`{command}`: keys differ from the README's"


def test_the_readmes_two_commands_are_the_ones_ci_runs() -> None:
    assert "streamlit run app.py" in README and "python -m louiestat init --sample" in README
    assert "scripts/test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "\nscripts/test\n" in ci and "-m mypy" in ci
