"""The command line: each command run in-process on SQLite and PostgreSQL, its exit status (0 done, 1 rejected
or refused, 2 usage error), what it prints, and what it leaves in the database; plus one real ``python -m``."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql

from louiestat.cli import main
from louiestat.config import get_settings
from louiestat.db.engine import make_engine
from louiestat.db.migrate import current_revision, head_revision
from louiestat.ingest import ingest
from louiestat.reading import queries
from louiestat.writing import batches
from tests.conftest import DEFINITIONS, ROOT, snapshot
from tests.db.test_write_lock import alices_upload

VALUES = "department,kpi,period,value\nhr,overtime_hours,2013-01,120\nhr,overtime_hours,2013-02,95\n"
BAD_VALUES = (
    "department,kpi,period,value\n"
    "hr,overtime_hours,2013-13,120\n"
    "hr,overtme_hours,2013-02,95\n"
    "hr,overtime_hours,2013-03,\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"definitions": DEFINITIONS, "values": VALUES, "bad": BAD_VALUES}
    for name, text in paths.items():
        (tmp_path / f"{name}.csv").write_text(text)
    return {name: tmp_path / f"{name}.csv" for name in paths}


@pytest.fixture
def city(engine: Engine, files: dict[str, Path], capsys: pytest.CaptureFixture) -> Engine:
    assert main(["ingest", str(files["definitions"])]) == 0
    capsys.readouterr()
    return engine


def test_init_creates_the_schema_of_a_new_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    monkeypatch.setenv("LOUIESTAT_DATABASE_URL", url)
    get_settings.cache_clear()
    assert main(["init"]) == 0
    assert capsys.readouterr().out == f"Database ready at {url}\n"
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    assert all(rows == [] for rows in snapshot(engine).values())
    engine.dispose()
    get_settings.cache_clear()


def test_init_sample_loads_the_sample_city(engine: Engine, capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "--sample"]) == 0
    out = capsys.readouterr().out
    assert "definitions.csv committed as batch 1: 80 new" in out
    assert "values.csv committed as batch 2" in out and "hiring.csv committed as batch 3" in out
    assert len(queries.departments(engine)) >= 6 and len(queries.kpis(engine)) >= 40
    assert "meetings.json: 8 held meetings with 20 follow-ups (7 closed)" in out
    # 4 files, then 8 meetings, 20 follow-ups added, 1 moved and 7 closed: each change a batch, all by the actor.
    assert batches.list_batches(engine)["actor"].tolist() == ["tester"] * 40


def test_ingest_commits_a_file_and_exits_0(city: Engine, files, capsys: pytest.CaptureFixture) -> None:
    assert main(["--user", "analyst", "ingest", str(files["values"])]) == 0
    out = capsys.readouterr().out
    assert out == "values.csv committed as batch 2: 2 new, 0 changed, 0 unchanged (values, 2 rows).\n"
    assert queries.observations(city)["value"].tolist() == [120.0, 95.0]
    assert batches.list_batches(city)["actor"].tolist()[0] == "analyst"


def test_ingesting_the_same_file_again_says_it_changes_nothing(city: Engine, files, capsys) -> None:
    main(["ingest", str(files["values"])])
    before = snapshot(city)
    capsys.readouterr()
    assert main(["ingest", str(files["values"])]) == 0
    assert "changes nothing: all 2 rows are already stored (0 inserted, 0 updated)" in capsys.readouterr().out
    assert snapshot(city) == before


def test_a_rejected_file_exits_1_and_prints_every_error(city: Engine, files, capsys: pytest.CaptureFixture) -> None:
    before = snapshot(city)
    assert main(["ingest", str(files["bad"])]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "bad.csv was rejected and nothing was written: 3 errors in 3 of 3 rows."
    assert out[1].startswith("  error: line 2, column 'period': month 13 does not exist")
    assert out[2].startswith(
        "  error: line 3, column 'kpi': unknown KPI of department 'hr'; did you mean 'overtime_hours'?"
    )
    assert out[3].startswith("  error: line 4, column 'value': blank value")
    assert snapshot(city) == before


def test_json_output_parses_and_includes_the_errors_with_their_lines(city: Engine, files, capsys) -> None:
    assert main(["ingest", str(files["bad"]), "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["kind"], summary["rows"], summary["error_count"]) == ("rejected", "values", 3, 3)
    assert [(e["line"], e["column"], e["value"]) for e in summary["errors"]] == [
        (2, "period", "2013-13"),
        (3, "kpi", "overtme_hours"),
        (4, "value", None),
    ]
    assert summary["message"].startswith("bad.csv was rejected")

    assert main(["ingest", str(files["values"]), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["new"], summary["batch_id"], summary["errors"]) == ("committed", 2, 2, [])


def test_dry_run_reports_without_writing(city: Engine, files, capsys: pytest.CaptureFixture) -> None:
    before = snapshot(city)
    assert main(["ingest", str(files["values"]), "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        "Dry run of values.csv (values, 2 rows): a commit would write 2 new, 0 changed, 0 unchanged.\n"
    )
    assert snapshot(city) == before


FLIP = (
    "department,department_name,kpi,kpi_name,unit,direction,target\n"
    "hr,Human Resources,overtime_hours,Unscheduled overtime hours,hours,higher_is_better,100\n"
)
# Against 100 with 5 % tolerance, January's 120 goes from off to on target and February's 95 from on to near;
# their quarter's mean of 107.5 from off to on.
RESCORE = (
    "KPI 'overtime_hours' of department 'hr' (line 2): direction changes, which rescores 2 months of history: "
    "2 months change status, as do 1 of 1 fiscal quarters"
)


def test_a_direction_change_needs_confirm_rescore_as_the_dry_run_says(city: Engine, files, tmp_path, capsys) -> None:
    assert main(["ingest", str(files["values"])]) == 0
    flip = tmp_path / "flip.csv"
    flip.write_text(FLIP)
    capsys.readouterr()
    before = snapshot(city)

    assert main(["ingest", str(flip), "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        "Dry run of flip.csv (definitions, 1 rows): a commit would write 0 new, 1 changed, 0 unchanged. It rescores "
        "the stored history of 1 KPI: a commit needs that confirmed.\n  departments unchanged: 1\n"
        f"  rescore: {RESCORE}\n"
        "  commit with --confirm-rescore to score the stored history anew\n"
    )
    assert main(["ingest", str(flip), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rescores"] == [
        {"department": "hr", "kpi": "overtime_hours", "line": 2, "changed": ["direction"], "months": 2,
         "months_changing_status": 2, "quarters": 1, "quarters_changing_status": 1}
    ]

    assert main(["ingest", str(flip)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "flip.csv was rejected and nothing was written: 1 error in 1 of 1 rows."
    assert out[1].startswith(
        "  error: line 2, column 'direction': this KPI has stored values and its direction changes, which rescores 2 "
        "months of history: 2 months change status, as do 1 of 1 fiscal quarters; confirm the rescore to commit it "
        "(--confirm-rescore on the command line"
    )
    assert snapshot(city) == before

    assert main(["ingest", str(flip), "--confirm-rescore"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "flip.csv committed as batch 3: 0 new, 1 changed, 0 unchanged (definitions, 1 rows).",
        "  departments unchanged: 1",
        f"  rescore: {RESCORE}",
    ]
    kpis = queries.kpis(city).set_index("kpi")
    assert kpis.at["overtime_hours", "direction"] == "higher_is_better"


def test_a_kind_given_on_the_command_line_is_used_instead_of_detection(city: Engine, files, capsys) -> None:
    assert main(["ingest", str(files["values"]), "--kind", "hiring", "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["kind"] == "hiring"
    assert {e["column"] for e in summary["errors"]} == {"position_id", "posted_date", "filled_date"}


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
        (["ingest"], "the following arguments are required: path"),
        (["ingest", "x.csv", "--kind", "budget"], "invalid choice: 'budget'"),
        (["export", "everything"], "invalid choice: 'everything'"),
        (["undo", "last"], "invalid int value: 'last'"),
    ],
)
def test_usage_errors_exit_2_with_the_usage(engine: Engine, argv: list[str], complaint: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m louiestat")
    assert complaint in err


def test_a_missing_file_is_a_usage_error(engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    before = snapshot(engine)
    assert main(["ingest", str(tmp_path / "nowhere.csv")]) == 2
    assert capsys.readouterr().err == f"error: no file at {tmp_path / 'nowhere.csv'}\n"
    assert snapshot(engine) == before


def test_export_writes_to_standard_output(city: Engine, files, capsys: pytest.CaptureFixture) -> None:
    main(["ingest", str(files["values"])])
    capsys.readouterr()
    assert main(["export", "values", "--department", "hr"]) == 0
    assert capsys.readouterr().out == (
        "department,kpi,period,value,target,note,count\n"
        "hr,overtime_hours,2013-01,120,100,,\n"
        "hr,overtime_hours,2013-02,95,100,,\n"
    )


def test_export_writes_to_a_file_with_out(city: Engine, files, tmp_path: Path, capsys) -> None:
    out = tmp_path / "exported.csv"
    assert main(["export", "definitions", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    exported = pd.read_csv(out)
    assert sorted(exported["kpi"]) == [
        "calls_answered_pct", "overtime_hours", "response_time", "sick_leave_hours", "time_to_fill"
    ]
    before = snapshot(city)
    assert main(["ingest", str(out)]) == 0
    assert "changes nothing" in capsys.readouterr().out
    assert snapshot(city) == before


def test_batches_lists_every_batch_newest_first(city: Engine, files, capsys: pytest.CaptureFixture) -> None:
    main(["ingest", str(files["values"])])
    capsys.readouterr()
    assert main(["batches", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(b["id"], b["kind"], b["source"], b["inserted"], b["status"]) for b in listed] == [
        (2, "values", "values.csv", 2, "committed"),
        (1, "definitions", "definitions.csv", 5, "committed"),
    ]
    assert main(["batches", "--limit", "1"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 2 and table[0].split()[:4] == ["id", "created_at", "actor", "kind"]
    assert table[1].split()[0] == "2"


def test_batches_json_links_an_undo_and_the_batch_it_undid_by_integer_ids(city: Engine, files, capsys) -> None:
    main(["ingest", str(files["values"])])
    main(["undo", "2"])
    capsys.readouterr()
    assert main(["batches", "--json"]) == 0
    listed = {b["id"]: b for b in json.loads(capsys.readouterr().out)}
    assert (listed[3]["kind"], listed[3]["undoes_id"], listed[3]["undone_by_id"]) == ("undo", 2, None)
    assert (listed[2]["status"], listed[2]["undone_by_id"], listed[2]["undoes_id"]) == ("undone", 3, None)
    assert type(listed[3]["undoes_id"]) is int


def test_batches_on_an_empty_database_says_how_to_start(engine: Engine, capsys: pytest.CaptureFixture) -> None:
    assert main(["batches"]) == 0
    assert capsys.readouterr().out == "No batches yet: upload a file with `python -m louiestat ingest FILE`.\n"


def test_undo_exits_0_and_restores_the_database(city: Engine, files, capsys: pytest.CaptureFixture) -> None:
    before = snapshot(city)
    main(["ingest", str(files["values"])])
    capsys.readouterr()
    assert main(["undo", "2"]) == 0
    assert capsys.readouterr().out == "Undid batch 2 (the undo is batch 3): removed 2 values it added.\n"
    assert snapshot(city)["observations"] == before["observations"]


def test_a_refused_undo_exits_1_with_the_reason(city: Engine, files, capsys: pytest.CaptureFixture) -> None:
    main(["ingest", str(files["values"])])
    capsys.readouterr()
    before = snapshot(city)
    assert main(["undo", "1"]) == 1
    assert capsys.readouterr().err == (
        "error: later batches (2) changed or depend on rows batch 1 wrote; undo them first, newest first\n"
    )
    assert main(["undo", "42"]) == 1
    assert "there is no batch 42" in capsys.readouterr().err
    assert snapshot(city) == before


@pytest.mark.parametrize("command", ["undo", "ingest"])
def test_a_write_behind_another_too_long_exits_3_saying_whose_it_waited_for(
    city: Engine, files, command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    main(["ingest", str(files["values"])])
    capsys.readouterr()
    monkeypatch.setenv("LOUIESTAT_LOCK_WAIT_SECONDS", "1")
    get_settings.cache_clear()
    before = snapshot(city)
    with alices_upload(city) as (batch_id, _release):
        assert main([command, "2" if command == "undo" else str(files["definitions"])]) == 3
    holder = rf"another upload to finish \(batch {batch_id}, started \d\d:\d\d by alice\)"
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(
        rf"waiting for {holder}\n"
        rf"error: gave up after waiting 1 s for {holder}, so nothing was written: try again when batch {batch_id} "
        r"has finished, or raise LOUIESTAT_LOCK_WAIT_SECONDS\n",
        captured.err,
    ), captured.err
    after = snapshot(city)
    assert {k: v for k, v in after.items() if k not in ("batches", "audit_log")} == {
        k: v for k, v in before.items() if k not in ("batches", "audit_log")
    }
    assert {event[2] for event in after["audit_log"][len(before["audit_log"]):]} == {"alice"}, "only alice wrote"


def test_python_m_louiestat_runs_from_the_repository_root(database_url: str, city: Engine, files) -> None:
    env = {**os.environ, "LOUIESTAT_DATABASE_URL": database_url, "LOUIESTAT_USER": "cli"}
    run = subprocess.run(
        [sys.executable, "-m", "louiestat", "ingest", str(files["values"]), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (run.returncode, run.stderr) == (0, "")
    summary = json.loads(run.stdout)
    assert (summary["status"], summary["new"], summary["batch_id"]) == ("committed", 2, 2)
    assert queries.observations(city)["value"].tolist() == [120.0, 95.0]
    assert batches.list_batches(city)["actor"].tolist() == ["cli", "tester"]


def test_export_into_a_pipe_closed_early_stops_quietly(sample_city_file: Path) -> None:
    env = {**os.environ, "LOUIESTAT_DATABASE_URL": f"sqlite:///{sample_city_file}"}
    export = subprocess.Popen(
        [sys.executable, "-m", "louiestat", "export", "values"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert export.stdout.readline() == b"department,kpi,period,value,target,note,count\n"
    export.stdout.close()
    assert export.wait(timeout=120) == 0
    assert b"Traceback" not in export.stderr.read()


def test_export_of_an_unknown_department_is_a_usage_error_naming_the_known_ones(city: Engine, capsys) -> None:
    assert main(["export", "values", "--department", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no department 'nope'; known: ems, hr" in err


SCORECARD_KEYS = {"kpi", "name", "latest", "target", "status", "ytd", "ytd_status", "score", "variation",
                  "explanation", "provisional"}
EMS_JULY = "department,kpi,period,value\n" + "".join(
    f"ems,{kpi},2016-07,{value}\n"
    for kpi, value in [("response_time", 8.6), ("calls_answered_90s_pct", 92.0), ("overtime_hours", 3100.0)]
)


def run_json(argv: list[str], capsys: pytest.CaptureFixture):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_scorecard_json_has_a_row_per_kpi_as_the_page_shows_it(sample_city: Engine, capsys) -> None:
    rows = run_json(["scorecard", "ems", "--json"], capsys)

    assert len(rows) == 10 and all(SCORECARD_KEYS <= row.keys() for row in rows)
    by_kpi = {row["kpi"]: row for row in rows}
    response = by_kpi["response_time"]
    assert (response["latest"], response["target"], response["status"]) == (8.66, 8.5, "near_target")
    assert response["explanation"].startswith("Just short of target for 5 months (8.7 min against a target of 8.5 min)")
    assert response["score"] == pytest.approx(8.5 / 8.66, abs=1e-4) and response["provisional"] is False
    assert {row["status"] for row in rows} <= {"on_target", "near_target", "off_target", "no_target", "no_data"}
    assert [row["status"] for row in rows][:1] == ["off_target"]  # off target first, as on the page


def test_scorecard_city_json_marks_june_2016_provisional_while_the_library_has_not_reported(
    sample_city: Engine, capsys
) -> None:
    city = run_json(["scorecard", "--city", "--json"], capsys)

    assert city["as_of"] == "2016-06" and city["provisional"] is True and city["complete"] is False
    assert city["reported"] == "7 of 8 departments, 63 of 72 KPIs reported"
    departments = {d["department"]: d for d in city["departments"]}
    assert len(departments) == 8
    assert departments["library"]["kpis_reported"] == 0 and departments["library"]["provisional"] is True
    assert departments["ems"]["kpis_reported"] == 9 and departments["ems"]["kpis"] == 10
    assert city["score"] == pytest.approx(sum(d["score"] for d in departments.values()) / 8, abs=1e-3)


def test_an_early_upload_leaves_the_default_month_and_its_month_is_incomplete(sample_city: Engine, capsys) -> None:
    assert ingest(sample_city, EMS_JULY.encode(), name="ems-july.csv").status == "committed"

    assert run_json(["scorecard", "--city", "--json"], capsys)["as_of"] == "2016-06"
    july = run_json(["scorecard", "--city", "--json", "--as-of", "2016-07"], capsys)
    assert (july["as_of"], july["complete"], july["provisional"]) == ("2016-07", False, True)
    assert july["reported"] == "1 of 8 departments, 3 of 72 KPIs reported"
    provisional = {d["department"]: d["provisional"] for d in july["departments"]}
    assert provisional == {d: d != "ems" for d in provisional}
    ems = run_json(["scorecard", "ems", "--json", "--as-of", "2016-07"], capsys)
    assert {row["kpi"]: row["latest"] for row in ems}["response_time"] == 8.6


def test_scorecard_csv_and_text(sample_city: Engine, capsys) -> None:
    assert main(["scorecard", "ems", "--csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(frame) == 10 and {"kpi", "status", "explanation", "provisional", "change_direction"} <= set(frame)
    assert main(["scorecard", "ems", "--as-of", "2016-06"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Emergency Medical Services · June 2016 · month incomplete: 7 of 8 departments")
    assert "Response time, priority 1" in text and "8.7 min" in text


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["scorecard"], "name a DEPARTMENT (slug) or give --city"),
        (["scorecard", "nowhere"], "no department 'nowhere'; known: codes, ems"),
    ],
)
def test_scorecard_usage_errors_exit_2(sample_city: Engine, argv: list[str], complaint: str, capsys) -> None:
    assert main(argv) == 2
    assert complaint in capsys.readouterr().err


def test_scorecard_as_of_must_be_a_month(sample_city: Engine, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["scorecard", "ems", "--as-of", "2016-13"])
    assert exit_.value.code == 2
    assert "'2016-13' is not a month; give it as YYYY-MM" in capsys.readouterr().err


def test_skip_blank_loads_the_filled_template_and_lists_the_skipped_rows(sample_city: Engine, tmp_path, capsys) -> None:
    from tests.ingest.test_unreported import NOT_REPORTED, filled_template

    path = tmp_path / "ems-july.csv"
    path.write_bytes(filled_template(sample_city))
    before = snapshot(sample_city)

    assert main(["ingest", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ems-july.csv was rejected and nothing was written: 7 errors in 7 of 9 rows."
    assert len(out) == 8 and all(", column 'value': blank value;" in line for line in out[1:])

    assert main(["ingest", str(path), "--skip-blank", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Dry run of ems-july.csv (values, 9 rows): a commit would write 2 new, 0 changed, 0 unchanged; 7 rows "
        "skipped: no value (not reported).",
        "  lines 4–10 skipped: no value (not reported)",
        *[f"    line {line}: ems, {kpi}, 2016-07" for line, kpi in NOT_REPORTED],
    ]
    assert snapshot(sample_city) == before

    assert main(["ingest", str(path), "--skip-blank", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["new"], summary["skipped_count"]) == ("committed", 2, 7)
    assert summary["skipped"] == [
        {"line": line, "department": "ems", "kpi": kpi, "period": "2016-07"} for line, kpi in NOT_REPORTED
    ]
    assert len(queries.observations(sample_city)) == len(before["observations"]) + 2


def test_decimal_comma_reads_a_semicolon_export(city: Engine, tmp_path: Path, capsys) -> None:
    path = tmp_path / "europe.csv"
    path.write_text(
        "department;kpi;period;value\nhr;overtime_hours;2013-01;8,9\nhr;overtime_hours;2013-02;1.812.345,50\n"
    )
    before = snapshot(city)

    assert main(["ingest", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "europe.csv was rejected and nothing was written: 3 errors in 2 of 2 rows.",
        "  error: this file looks like it uses decimal commas (8,9), which are not read as decimals without the "
        "decimal-comma option; upload it with the decimal-comma option ('Numbers use decimal commas' on the Upload "
        "page, --decimal-comma on the command line)",
    ]
    assert out[2] == (
        "  error: line 2, column 'value': a decimal comma, not read without the decimal-comma option (see the first "
        "error) (value '8,9')"
    )
    assert snapshot(city) == before

    assert main(["ingest", str(path), "--decimal-comma"]) == 0
    assert capsys.readouterr().out == (
        "europe.csv committed as batch 2: 2 new, 0 changed, 0 unchanged (values, 2 rows).\n"
    )
    assert queries.observations(city)["value"].tolist() == [8.9, 1812345.5]


HEAVY = ("pandas", "numpy", "sqlalchemy", "streamlit", "pyarrow", "pydantic", "pydantic_settings", "metrics")


def imported_modules(argv: list[str]) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``python -X importtime -m louiestat ARGV`` and return the run and the top-level modules it imported."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "louiestat", *argv], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )
    names = {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines() if "import time:" in line}
    return run, names


@pytest.mark.parametrize("argv", [["--help"], ["ingest", "--help"], ["frobnicate"], ["ingest", "x.csv", "--kind", "x"]])
def test_help_and_usage_errors_import_no_heavy_library(argv: list[str]) -> None:
    run, modules = imported_modules(argv)
    assert run.returncode == (0 if "--help" in argv else 2)
    assert "usage: python -m louiestat" in run.stdout + run.stderr
    assert "louiestat" in modules and "argparse" in modules
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_the_clis_kind_names_are_the_upload_kinds() -> None:
    from louiestat.cli.data import KIND_NAMES
    from louiestat.ingest import KINDS

    assert KIND_NAMES == tuple(KINDS)


def test_ingest_help_names_all_four_kinds(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", "--help"])
    assert exit_.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for kind, purpose in [
        ("definitions", "departments and KPI definitions"),
        ("values", "monthly KPI values"),
        ("hiring", "HR hiring records"),
        ("process_changes", "the month a KPI's way of working changed"),
    ]:
        assert f"{kind} ({purpose}" in help_text
    assert "--kind {definitions,values,hiring,process_changes}" in help_text


def test_a_file_refused_for_its_header_still_counts_its_rows(city: Engine, files, tmp_path: Path, capsys) -> None:
    before = snapshot(city)
    assert main(["ingest", str(files["values"]), "--kind", "hiring"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "values.csv was rejected and nothing was written: 3 errors in 2 of 2 rows."
    )
    unknown = tmp_path / "mystery.csv"
    unknown.write_text("colour,size\nred,1\n\nblue,2\ngreen,3\n")
    assert main(["ingest", str(unknown), "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows"], summary["rejected"], summary["error_count"]) == (3, 3, 1)
    assert summary["message"] == "mystery.csv was rejected and nothing was written: 1 error in 3 of 3 rows."
    assert snapshot(city) == before


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch):
    """Local time is New York's (UTC-5 in December, UTC-4 in July) for the test."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_batches_prints_local_times_to_the_minute_and_blanks(city: Engine, files, capsys, new_york) -> None:
    main(["ingest", str(files["values"])])
    main(["undo", "2"])
    with city.begin() as conn:
        conn.execute(sql("UPDATE batches SET created_at = '2026-12-02 19:53:41.500000' WHERE id = 1"))
        conn.execute(sql("UPDATE batches SET created_at = '2026-07-01 03:07:00.000000' WHERE id = 2"))
    capsys.readouterr()

    assert main(["batches"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "id", "created_at", "actor", "kind", "source", "rows_total", "inserted", "updated", "unchanged", "deleted",
        "status", "undone_by_id", "undoes_id",
    ]
    rows = {int(line.split()[0]): line for line in lines[1:]}
    assert "2026-12-02 14:53 " in rows[1] and "2026-06-30 23:07 " in rows[2]
    assert re.search(r"^\s*3 \d{4}-\d\d-\d\d \d\d:\d\d\s+tester\s+undo\b", rows[3])
    assert rows[2].split()[-2:] == ["undone", "3"] and rows[3].split()[-2:] == ["committed", "2"]
    assert rows[1].split()[-1] == "committed"
    for bad in ("<NA>", "None", "nan", "NaN", ":41"):
        assert bad not in "\n".join(lines), bad
