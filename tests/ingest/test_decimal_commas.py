"""Files exported with decimal commas (``8,9``, ``1.812.345,50``), usually semicolon-delimited: refused
without the decimal-comma option with one notice at the top of the errors, read correctly with it."""

from __future__ import annotations

from sqlalchemy import Engine

from louiestat.ingest import ingest
from louiestat.ingest.upload import DECIMAL_COMMA_NOTICE, DECIMAL_COMMA_ROW
from louiestat.reading import queries
from tests.conftest import snapshot

EUROPEAN = (
    "department;kpi;period;value;target\n"
    "hr;overtime_hours;2013-01;8,9;\n"
    "hr;overtime_hours;2013-02;1.812.345,50;\n"
    "hr;overtime_hours;2013-03;12;100,5\n"
    "ems;response_time;2013-01;7,25;\n"
)


def stored(engine: Engine) -> list[tuple[str, str, float]]:
    kpis = queries.kpis(engine).set_index("kpi_id")["kpi"]
    obs = queries.observations(engine).sort_values(["kpi_id", "period"])
    return [(kpis[k], p.strftime("%Y-%m"), v) for k, p, v in zip(obs["kpi_id"], obs["period"], obs["value"])]


def test_a_decimal_comma_file_is_refused_with_one_notice_at_the_top(city: Engine) -> None:
    before = snapshot(city)
    result = ingest(city, EUROPEAN.encode(), name="europe.csv")

    assert result.message == "europe.csv was rejected and nothing was written: 5 errors in 4 of 4 rows."
    assert [str(e) for e in result.errors] == [
        DECIMAL_COMMA_NOTICE,
        f"line 2, column 'value': {DECIMAL_COMMA_ROW} (value '8,9')",
        f"line 3, column 'value': {DECIMAL_COMMA_ROW} (value '1.812.345,50')",
        f"line 4, column 'target': {DECIMAL_COMMA_ROW} (value '100,5')",
        f"line 5, column 'value': {DECIMAL_COMMA_ROW} (value '7,25')",
    ]
    assert DECIMAL_COMMA_NOTICE.startswith("this file looks like it uses decimal commas (8,9)")
    assert "--decimal-comma" in DECIMAL_COMMA_NOTICE and "--decimal-comma" not in DECIMAL_COMMA_ROW
    assert snapshot(city) == before


def test_a_decimal_comma_file_loads_with_the_option(city: Engine) -> None:
    result = ingest(city, EUROPEAN.encode(), name="europe.csv", decimal_comma=True)

    assert result.message == (
        f"europe.csv committed as batch {result.batch_id}: 4 new, 0 changed, 0 unchanged (values, 4 rows)."
    )
    assert stored(city) == [
        ("overtime_hours", "2013-01", 8.9),
        ("overtime_hours", "2013-02", 1812345.5),
        ("overtime_hours", "2013-03", 12.0),
        ("response_time", "2013-01", 7.25),
    ]
    with city.connect() as conn:
        assert queries.targets(conn)["target"].tolist() == [100.5]


def test_a_comma_delimited_file_gets_the_advice_on_its_row_without_a_notice(city: Engine) -> None:
    result = ingest(city, b'department,kpi,period,value\nhr,overtime_hours,2013-01,"8,9"\n', name="v.csv")

    assert [(e.line, e.message) for e in result.errors] == [
        (2, "commas are only read as thousands separators (1,234,567); use a point for decimals, or upload the file "
            "with the decimal-comma option (--decimal-comma) if it uses decimal commas")
    ]


def test_definitions_read_their_numbers_with_decimal_commas_too(city: Engine) -> None:
    text = (
        "department;department_name;kpi;kpi_name;unit;direction;target;tolerance_pct\n"
        "ems;Emergency Medical Services;response_time;Response time;minutes;lower_is_better;8,5;2,5\n"
    )
    refused = ingest(city, text.encode(), name="definitions.csv")
    assert [e.line for e in refused.errors] == [None, 2, 2]
    assert refused.errors[0].message == DECIMAL_COMMA_NOTICE

    result = ingest(city, text.encode(), name="definitions.csv", decimal_comma=True)
    assert result.status == "committed", result.message
    kpis = queries.kpis(city).set_index("kpi")
    assert (kpis.at["response_time", "target"], kpis.at["response_time", "tolerance_pct"]) == (8.5, 2.5)
