"""The README stays true: every CLI command and option is documented there, and its two commands exist."""

from __future__ import annotations

import argparse
import re

from louiestat.cli import build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_cli_command_has_help_and_a_line_in_the_readme() -> None:
    for name, parser in _subcommands().items():
        assert parser.description, f"`{name}` has no help text"
        assert re.search(rf"python -m louiestat {name}\b", README), f"README does not document `{name}`"


def test_every_cli_option_is_in_the_readme() -> None:
    for name, parser in _subcommands().items():
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in README, f"README does not mention `{name} {option}`"
    assert "--user" in README


def test_the_readmes_two_commands_are_the_ones_ci_runs() -> None:
    assert "streamlit run app.py" in README and "python -m louiestat init --sample" in README
    assert "scripts/test" in README
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()
