"""The Upload page: dry run before commit, errors by line, commit changes the scorecard, undo restores it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from louiestat.config import get_settings
from louiestat.db.engine import make_engine
from louiestat.reading import queries
from louiestat.writing.batches import list_batches
from louiestat.writing.service import MEETING_KINDS
from tests.conftest import shown, snapshot
from tests.db.test_write_lock import alices_upload

GOOD = b"department,kpi,period,value,note\nems,response_time,2016-06,12.5,Storm week\n"
BAD = b"department,kpi,period,value\nems,response_time,2016-13,8\nems,response_tme,2016-05,8\n"


def latest(at) -> str:
    table = at.dataframe[0].value
    return table.loc[table["KPI"] == "Response time, priority 1", "Latest"].iloc[0]


def test_a_bad_file_shows_every_error_with_its_line(open_page) -> None:
    at = open_page("upload")
    at.file_uploader[0].upload("bad.csv", BAD, "text/csv").run()

    assert "was rejected and nothing was written: 2 errors" in shown(at.error[0].value)
    errors = at.dataframe[1].value
    assert errors["line"].tolist() == ["2", "3"]
    assert errors["column"].tolist() == ["period", "kpi"]
    assert "did you mean 'response_time'?" in errors["message"].iloc[1]
    assert not [b for b in at.button if b.label.startswith("Commit")]


def test_upload_commit_changes_the_scorecard_and_undo_restores_it(open_page) -> None:
    before = latest(open_page("scorecard", department="ems", as_of="2016-06"))

    at = open_page("upload")
    at.file_uploader[0].upload("june.csv", GOOD, "text/csv").run()
    assert [m.value for m in at.metric] == ["0", "1", "0", "0"]
    commit = next(b for b in at.button if b.label == "Commit june.csv")
    commit.click().run()
    assert "june.csv committed as batch 5: 0 new, 1 changed" in shown(at.success[0].value)

    assert latest(open_page("scorecard", department="ems", as_of="2016-06")) == "12.5 min"

    at = open_page("upload")
    assert next(s for s in at.selectbox if s.label == "Undo a batch").value == 5
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()
    assert shown(at.success[0].value) == "Undid batch 5 (the undo is batch 6): restored 1 value it changed."

    assert latest(open_page("scorecard", department="ems", as_of="2016-06")) == before


def test_templates_are_offered_for_each_kind(open_page) -> None:
    at = open_page("upload")

    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "KPI definitions template", "Monthly values template", "Hiring records template", "Process changes template"
    ]


def test_the_dry_run_lists_the_stored_values_a_file_would_correct(open_page) -> None:
    at = open_page("upload")
    at.file_uploader[0].upload("june.csv", GOOD, "text/csv").run()

    corrections = next(d.value for d in at.dataframe if "Stored now" in d.value.columns)
    assert corrections[["Department", "KPI", "Month", "In this file"]].values.tolist() == [
        ["ems", "response_time", "2016-06", 12.5]
    ]
    assert corrections["Stored now"].iloc[0] != 12.5


def test_a_deep_link_to_an_unknown_department_says_so(open_page) -> None:
    at = open_page("scorecard", department="nope")

    assert any("“nope”, which does not exist here" in w.value for w in at.warning)


def test_a_commit_behind_another_write_too_long_says_whose_and_writes_nothing(
    open_page, city_engine, monkeypatch
) -> None:
    monkeypatch.setenv("LOUIESTAT_LOCK_WAIT_SECONDS", "1")
    get_settings.cache_clear()
    at = open_page("upload")
    at.file_uploader[0].upload("june.csv", GOOD, "text/csv").run()
    before = snapshot(city_engine)
    with alices_upload(city_engine) as (batch_id, _release):
        next(b for b in at.button if b.label == "Commit june.csv").click().run()
        assert snapshot(city_engine)["observations"] == before["observations"]
    assert re.fullmatch(
        rf"june.csv was not committed: gave up after waiting 1 s for another upload to finish \(batch {batch_id}, "
        rf"started \d\d:\d\d by alice\), so nothing was written: try again when batch {batch_id} has finished, or "
        r"raise LOUIESTAT_LOCK_WAIT_SECONDS.",
        at.error[0].value,
    ), at.error[0].value


FLIP = (
    b"department,department_name,kpi,kpi_name,unit,direction,target\n"
    b'ems,Emergency Medical Services,response_time,"Response time, priority 1",minutes,higher_is_better,9\n'
)
RESCORE_BOX = "Rescore the stored history"


def direction(engine, kpi: str) -> str:
    kpis = queries.kpis(engine)
    return kpis.loc[kpis["kpi"] == kpi, "direction"].iloc[0]


def test_no_rescore_checkbox_for_a_file_that_rescores_nothing(open_page) -> None:
    at = open_page("upload")
    at.file_uploader[0].upload("june.csv", GOOD, "text/csv").run()

    assert [b.label for b in at.button if b.label.startswith("Commit")] == ["Commit june.csv"]
    assert not [c for c in at.checkbox if c.label == RESCORE_BOX]


def test_a_file_that_rescores_history_commits_only_with_the_checkbox_ticked(open_page, city_engine) -> None:
    months = len(queries.observations(city_engine, [int(queries.kpis(city_engine).query("kpi == 'response_time'")
                                                        ["kpi_id"].iloc[0])]))
    at = open_page("upload")
    at.file_uploader[0].upload("flip.csv", FLIP, "text/csv").run()
    notice = next(w.value for w in at.warning if "changes how KPIs with stored values are scored" in w.value)
    notice = notice.replace("\\", "")  # without its markdown escapes
    assert re.search(rf"direction changes, which rescores {months} months of history: \d+ months change status", notice)
    assert not next(c for c in at.checkbox if c.label == RESCORE_BOX).value

    next(b for b in at.button if b.label == "Commit flip.csv").click().run()
    assert "flip.csv was rejected and nothing was written" in shown(at.error[0].value)
    assert "confirm the rescore to commit it" in shown(at.error[0].value)
    assert direction(city_engine, "response_time") == "lower_is_better"

    at.file_uploader[0].upload("flip.csv", FLIP, "text/csv").run()
    next(c for c in at.checkbox if c.label == RESCORE_BOX).check().run()
    next(b for b in at.button if b.label == "Commit flip.csv").click().run()
    assert "flip.csv committed as batch 5: 0 new, 1 changed" in shown(at.success[0].value)
    assert direction(city_engine, "response_time") == "higher_is_better"


SKIP_BOX = "Skip rows with no value (not reported)"
COMMA_BOX = "Numbers use decimal commas (8,9)"


def test_the_filled_template_commits_only_with_the_skip_blank_checkbox_ticked(open_page, city_engine) -> None:
    from tests.ingest.test_unreported import filled_template

    template = filled_template(city_engine)
    before = len(queries.observations(city_engine))
    at = open_page("upload")
    at.file_uploader[0].upload("ems-july.csv", template, "text/csv").run()
    assert "was rejected and nothing was written: 7 errors in 7 of 9 rows" in shown(at.error[0].value)
    assert not [b for b in at.button if b.label.startswith("Commit")]

    next(c for c in at.checkbox if c.label == SKIP_BOX).check().run()
    assert [m.value for m in at.metric] == ["2", "0", "0", "0"]
    assert [i.value for i in at.info] == ["Lines 4–10 skipped: no value (not reported)."]
    skipped = next(d.value for d in at.dataframe if "Month" in d.value.columns and "Line" in d.value.columns)
    assert skipped["Line"].tolist() == list(range(4, 11)) and set(skipped["Month"]) == {"2016-07"}
    next(b for b in at.button if shown(b.label) == "Commit ems-july.csv").click().run()
    assert "ems-july.csv committed as batch 5: 2 new, 0 changed, 0 unchanged (values, 9 rows); 7 rows skipped" in (
        shown(at.success[0].value)
    )
    assert len(queries.observations(city_engine)) == before + 2


def test_a_decimal_comma_file_commits_with_the_decimal_comma_checkbox_ticked(open_page, city_engine) -> None:
    at = open_page("upload")
    at.file_uploader[0].upload("europe.csv", b"department;kpi;period;value\nems;response_time;2016-06;8,9\n",
                               "text/csv").run()
    errors = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert errors["message"].iloc[0].startswith("this file looks like it uses decimal commas (8,9)")
    assert errors["line"].tolist()[0] == "whole file", "a problem with no line is about the whole file"

    next(c for c in at.checkbox if c.label == COMMA_BOX).check().run()
    assert [m.value for m in at.metric] == ["0", "1", "0", "0"]
    next(b for b in at.button if b.label == "Commit europe.csv").click().run()
    assert "europe.csv committed as batch 5: 0 new, 1 changed" in shown(at.success[0].value)
    assert latest(open_page("scorecard", department="ems", as_of="2016-06")) == "8.9 min"


def test_the_template_help_says_how_to_skip_blank_values(open_page) -> None:
    at = open_page("upload")
    assert any(f"tick “{SKIP_BOX}” when uploading" in c.value for c in at.caption)


def test_upload_history_and_undo_list_data_batches_not_stat_meeting_writes(
    open_page_on, meetings_city_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "louiestat.db"
    shutil.copy(meetings_city_file, path)
    engine = make_engine(f"sqlite:///{path}")
    every = list_batches(engine)
    engine.dispose()
    data = every[~every["kind"].isin(MEETING_KINDS)]
    assert set(every["kind"]) & set(MEETING_KINDS) and len(data) == 4  # the sample's files; then its meetings

    at = open_page_on(f"sqlite:///{path}")("upload")
    history = at.dataframe[0].value
    assert history["id"].tolist() == data["id"].tolist()
    assert not set(history["kind"]) & set(MEETING_KINDS)
    undo = next(s for s in at.selectbox if s.label == "Undo a batch")
    assert undo.options == [f"Batch {i}: {source}" for i, source in zip(data["id"], data["source"], strict=True)]
