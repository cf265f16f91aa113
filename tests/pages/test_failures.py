"""A broken or read-only database shows one sentence on the page (what failed, what to do), never a traceback;
a file with a huge field is listed with the value cut short."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import shown

GOOD = b"department,kpi,period,value,note\nems,response_time,2016-06,12.5,Storm week\n"


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        (
            "not a url",
            (
                "LOUIESTAT_DATABASE_URL 'not a url' is not a database URL LouieStat can use (Could not parse "
                "SQLAlchemy URL from given URL string); set it to sqlite:///path/to/louiestat.db or "
                "postgresql+psycopg://user@host:5432/dbname"
            ),
        ),
        (
            "postgresql+psycopg://127.0.0.1:1/louiestat",
            (
                "cannot reach the PostgreSQL server at 127.0.0.1:1 (the connection was refused); start the server, "
                "or correct the host and port in LOUIESTAT_DATABASE_URL"
            ),
        ),
    ],
    ids=["garbage-url", "server-down"],
)
@pytest.mark.parametrize("page", ["overview", "upload"])
def test_a_broken_database_shows_one_sentence_and_no_traceback(open_page_on, url: str, sentence: str, page: str):
    at = open_page_on(url)(page)

    assert [e.value for e in at.error] == [sentence]
    assert not at.exception


def test_the_upload_page_on_a_read_only_database_says_so_instead_of_offering_a_commit(
    open_page_on, sample_city_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "louiestat.db"
    shutil.copy(sample_city_file, path)
    at = open_page_on(f"sqlite:///file:{path}?mode=ro&uri=true")("upload")
    at.file_uploader[0].upload("june.csv", GOOD, "text/csv").run()

    assert not at.exception
    assert [e.value for e in at.error] == [
        (
            f"the database file {path} is read-only (its permissions or its folder's, a read-only disk, or mode=ro "
            "in LOUIESTAT_DATABASE_URL), so nothing was written; make the file and its folder writable, or set "
            "LOUIESTAT_DATABASE_URL to a writable copy"
        )
    ]
    assert not [b for b in at.button if b.label.startswith("Commit")]


def test_a_200000_character_field_is_listed_cut_short_with_the_other_error(open_page) -> None:
    note = "x" * 200_000
    data = f"department,kpi,period,value,note\nems,response_time,2016-05,8,{note}\nems,response_time,2016-13,8,\n"
    at = open_page("upload")
    at.file_uploader[0].upload("long.csv", data.encode(), "text/csv").run()

    assert not at.exception
    assert "was rejected and nothing was written: 2 errors" in shown(at.error[0].value)
    errors = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert errors["line"].tolist() == ["2", "3"]
    assert errors["value"].tolist() == ["x" * 80 + "… (200,000 characters)", "2016-13"]
