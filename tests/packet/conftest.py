"""Fixtures for the packet and minutes: a held meeting of the sample city's EMS built from its scorecard, an open
chart renderer shared by the browser tests, and PDFs read back with poppler-utils (pdfinfo, pdftotext, pdftoppm).

PDFs and page images are kept in ``test-artifacts/packet/`` (ignored by git) for a person to look at."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from louiestat.config import get_settings
from louiestat.meetings.briefing import AgendaItem, Briefing, FollowUp
from louiestat.packet import ChartRenderer
from louiestat.reading import views

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "packet"
AS_OF = "2016-06"
MEETING_DAY = dt.date(2016, 7, 14)
POPPLER = "pdfinfo, pdftotext and pdftoppm come with Debian's poppler-utils (apt-get install -y poppler-utils)"


@pytest.fixture(scope="session")
def renderer() -> Iterator[ChartRenderer]:
    """One Chromium for every chart the tests draw (it takes seconds to start)."""
    with ChartRenderer() as open_renderer:
        yield open_renderer


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """A folder for this test's PDFs and images, named for the test."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def off_target(engine: Engine, department: str = "ems") -> pd.DataFrame:
    """The department's off-target KPIs as of AS_OF, worst score first, read from the scorecard."""
    card = views.city_scorecard(views.City.load(engine), pd.Timestamp(f"{AS_OF}-01"), get_settings().fiscal_year_start_month)
    rows = card[(card["department"] == department) & (card["status"] == "off_target")]
    return rows.sort_values("score_month").reset_index(drop=True)


@pytest.fixture
def held_meeting(sample_city: Engine) -> Briefing:
    """A held EMS meeting on the sample city: an item per off-target KPI (the scorecard's sentence as its reason)
    with notes, a free topic, and follow-ups open, overdue, moved, done and dropped."""
    rows = off_target(sample_city)
    (first, second), (first_name, second_name) = rows["kpi"].iloc[:2], rows["kpi_name"].iloc[:2]
    items = [
        AgendaItem(kind="off_target", kpi=row.kpi, title=row.kpi_name, reason=row.explanation,
                   question=f"What keeps {row.kpi_name.lower()} off target?",
                   notes=f"The director explained {row.kpi_name.lower()}: staffing at two stations.")
        for row in rows.itertuples()
    ]
    items.append(AgendaItem(kind="topic", title="Budget for next year", reason="Asked by the mayor's office"))
    followups = [
        FollowUp(id=21, department="ems", what="Report injuries by station", owner="Deputy chief Ortiz",
                 due=dt.date(2016, 8, 31), kpi=first, kpi_name=first_name, raised_in=12),
        FollowUp(id=22, department="ems", what="Meet hospital CEOs about offload", owner="EMS director",
                 due=dt.date(2016, 8, 15), kpi=second, kpi_name=second_name, raised_in=12),
        FollowUp(id=15, department="ems", what="Audit overtime approvals", owner="Finance partner",
                 due=dt.date(2016, 5, 31), revised_due=dt.date(2016, 6, 30), kpi=first, kpi_name=first_name,
                 raised_in=9),
        FollowUp(id=16, department="ems", what="Hire two paramedics", owner="HR partner", due=dt.date(2016, 6, 1),
                 status="done", response="Both started on 20 June", closed_by="ana@city.gov",
                 closed_at=dt.datetime(2016, 6, 21, 9, 30), raised_in=9),
        FollowUp(id=17, department="ems", what="Pilot a second triage desk", owner="Medical director",
                 due=dt.date(2016, 6, 15), status="dropped", response="Replaced by the offload protocol",
                 closed_by="ana@city.gov", closed_at=dt.datetime(2016, 7, 1, 10, 0), raised_in=9),
    ]
    return Briefing(
        department="ems", department_name="Emergency Medical Services", as_of=AS_OF, title="LouieStat, June 2016",
        date=MEETING_DAY, attendees=["Chief of staff Lee", "EMS director Hall", "Analyst Ruiz"], status="held",
        meeting_id=12, items=items, followups=followups,
    )


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path, POPPLER
    return path


def page_count(pdf: Path) -> int:
    info = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in drawing order (``pdftotext -raw``), whitespace runs made one space, so that a cell
    wrapped over lines reads as one phrase."""
    text = subprocess.run([_poppler("pdftotext"), "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [flat(page) for page in text.split("\f")[:-1]]


def flat(text: str) -> str:
    return " ".join(text.split())


def first_page_png(pdf: Path) -> Path:
    """The first page as a PNG beside the PDF (``pdftoppm``, 100 dpi)."""
    stem = pdf.with_suffix("")
    subprocess.run([_poppler("pdftoppm"), "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(stem)], check=True)
    return stem.with_suffix(".png")


def word_boxes(pdf: Path) -> list[list[dict]]:
    """Each page's words with their boxes in points (``pdftotext -bbox``): text, x_min, y_min, x_max, y_max, and
    the page's width and height."""
    import html
    from xml.etree import ElementTree

    xhtml = subprocess.run([_poppler("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    namespace = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in ElementTree.fromstring(xhtml).iterfind(".//x:page", namespace):
        size = {"page_width": float(page.get("width")), "page_height": float(page.get("height"))}
        pages.append([
            {"text": html.unescape(word.text or ""), **size,
             **{key: float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")}}
            for word in page.iterfind("x:word", namespace)
        ])
    return pages


def font_names(pdf: Path) -> str:
    """``pdffonts``'s table of the fonts the PDF embeds."""
    return subprocess.run([_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
