"""``packet`` and ``minutes`` on the command line: what they write, and the exit status and message of each
refusal (2 with what is accepted for a wrong department, month, meeting or extension; 1 saying what to install
when Chromium is missing), on SQLite and PostgreSQL, the database unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from louiestat.cli import main
from louiestat.config import get_settings
from louiestat.meetings import propose
from louiestat.reading import views
from tests.conftest import ROOT, snapshot
from tests.packet.conftest import AS_OF, off_target, page_count, page_texts


@pytest.mark.browser
def test_packet_writes_the_proposed_packet_of_a_department(
    sample_city: Engine, artifacts: Path, capsys: pytest.CaptureFixture
) -> None:
    out = artifacts / "ems.pdf"
    before = snapshot(sample_city)
    assert main(["packet", "ems", "--as-of", AS_OF, "--out", str(out)]) == 0
    names = [item.title for item in propose(sample_city, "ems", AS_OF).items]
    assert names[:len(off_target(sample_city))] == off_target(sample_city)["kpi_name"].tolist()
    assert capsys.readouterr().out == (
        f"Wrote {out}: the briefing packet of Emergency Medical Services as of {AS_OF}, a cover and "
        f"{len(names)} agenda items\n"
    )
    pages = page_texts(out)
    assert page_count(out) == len(pages) == 1 + len(names)
    assert [name in page for name, page in zip(names, pages[1:])] == [True] * len(names)
    assert snapshot(sample_city) == before


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["packet", "emz", "--as-of", AS_OF], ("error: no department 'emz'; known: animal_services, codes, ems, fire, "
         "hr, library, parks, public_works")),
        (["packet", "ems", "--as-of", "2030-01"], ("error: no data for the month 2030-01; accepted: a month from "
         "2012-07 to 2016-06 (YYYY-MM)")),
        (["packet", "ems", "--as-of", AS_OF, "--meeting", "4"], "error: there is no meeting 4; the Meetings page lists the stored ones"),
        (["minutes", "4"], "error: there is no meeting 4; the Meetings page lists the stored ones"),
    ],
)
def test_an_unknown_department_month_or_meeting_exits_2_naming_what_is_accepted(
    sample_city: Engine, tmp_path: Path, argv: list[str], complaint: str, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / ("minutes.md" if argv[0] == "minutes" else "packet.pdf")
    assert main([*argv, "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(complaint)
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["packet", "ems", "--as-of", AS_OF, "--out", "ems.docx"],
         "error: the packet is a PDF; give --out a file name ending in .pdf, not 'ems.docx'\n"),
        (["minutes", "4", "--out", "minutes.txt"],
         ("error: the minutes are written as .pdf or .md (the format comes from the extension); give --out a file "
         "name ending in one of them, not 'minutes.txt'\n")),
    ],
)
def test_a_wrong_extension_exits_2_naming_the_accepted_ones(
    engine: Engine, argv: list[str], complaint: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == complaint


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["packet", "ems", "--as-of", "June", "--out", "ems.pdf"], "'June' is not a month; give it as YYYY-MM"),
        (["packet", "ems", "--out", "ems.pdf"], "the following arguments are required: --as-of"),
        (["minutes", "four", "--out", "m.md"], "invalid int value: 'four'"),
    ],
)
def test_a_month_not_given_as_yyyy_mm_is_a_usage_error(argv: list[str], complaint: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert complaint in capsys.readouterr().err


def test_a_missing_chromium_exits_1_saying_what_to_install(
    sample_city: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("LOUIESTAT_CHROMIUM", str(tmp_path / "no-such" / "chromium"))
    get_settings.cache_clear()
    out = tmp_path / "ems.pdf"
    assert main(["packet", "ems", "--as-of", AS_OF, "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"error: cannot draw the packet's charts: no Chromium at '{tmp_path / 'no-such' / 'chromium'}' "
        "(LOUIESTAT_CHROMIUM); install Debian's chromium (apt-get install -y chromium) or set LOUIESTAT_CHROMIUM to "
        "the path of a Chromium or Chrome\n"
    )
    assert not out.exists()


def test_packet_reads_the_stored_city_once_for_the_month_check_the_agenda_and_the_numbers(
    sample_city: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[Engine] = []
    load = views.City.load.__func__
    monkeypatch.setattr(views.City, "load", classmethod(lambda cls, engine: loaded.append(engine) or load(cls, engine)))
    monkeypatch.setenv("LOUIESTAT_CHROMIUM", str(tmp_path / "no-such" / "chromium"))  # stops after the numbers
    get_settings.cache_clear()
    assert main(["packet", "ems", "--as-of", AS_OF, "--out", str(tmp_path / "ems.pdf")]) == 1
    assert len(loaded) == 1


def test_a_missing_chromium_prints_no_traceback_from_python_m(
    sample_city: Engine, database_url: str, tmp_path: Path
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "louiestat", "packet", "ems", "--as-of", AS_OF, "--out", str(tmp_path / "ems.pdf")],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "LOUIESTAT_DATABASE_URL": database_url,
             "LOUIESTAT_CHROMIUM": str(tmp_path / "chromium")},
    )
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr.startswith("error: cannot draw the packet's charts") and "apt-get install -y chromium" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_program_that_does_not_start_as_chromium_exits_1_saying_what_to_install(
    sample_city: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("LOUIESTAT_CHROMIUM", "/bin/true")
    get_settings.cache_clear()
    out = tmp_path / "ems.pdf"
    assert main(["packet", "ems", "--as-of", AS_OF, "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        "error: cannot draw the packet's charts: the Chromium at '/bin/true' did not start (The browser seemed to close "
        "immediately after starting.); install Debian's chromium (apt-get install -y chromium) or set "
        "LOUIESTAT_CHROMIUM to a working Chromium or Chrome\n"
    )
    assert not out.exists()
