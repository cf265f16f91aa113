"""The briefing packet of the sample city, its charts drawn in Chromium (tests marked ``browser``) and typeset as a
PDF, read back page by page."""

from __future__ import annotations

import datetime as dt
import re
import struct
from pathlib import Path

import pytest
from sqlalchemy import Engine

from louiestat.config import get_settings
from louiestat.meetings import briefing_for
from louiestat.meetings.briefing import AgendaItem, Briefing, FollowUp
from louiestat.packet import ChartRenderer, packet_pdf
from louiestat.presentation.values import format_value
from louiestat.reading import views
from tests.packet.conftest import (
    AS_OF,
    MEETING_DAY,
    first_page_png,
    flat,
    off_target,
    page_count,
    page_texts,
    word_boxes,
)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.browser  # the charts are drawn in Chromium
def test_the_proposed_packet_has_a_cover_and_a_page_per_off_target_kpi_with_its_numbers(
    sample_city: Engine, renderer: ChartRenderer, artifacts: Path
) -> None:
    rows = off_target(sample_city)
    proposed = briefing_for(sample_city, "ems", AS_OF, None, today=MEETING_DAY)
    briefing = proposed.model_copy(update={"items": [i for i in proposed.items if i.kind == "off_target"]})
    assert [item.kpi for item in briefing.items] == rows["kpi"].tolist()
    assert len(briefing.items) == 4
    pdf = artifacts / "ems-packet.pdf"
    pdf.write_bytes(packet_pdf(views.City.load(sample_city), briefing, renderer))

    pages = page_texts(pdf)
    assert page_count(pdf) == len(pages) == 1 + len(briefing.items)
    cover = pages[0]
    assert "Emergency Medical Services" in cover and "Thursday 14 July 2016" in cover and "Data as of June 2016" in cover
    assert f"page 1 of {len(pages)}" in cover
    assert "✔ On target 3" in cover and "◆ Near target 3" in cover and "✖ Off target 4" in cover
    for number, (row, page) in enumerate(zip(rows.itertuples(), pages[1:]), start=2):
        assert row.kpi_name in cover
        assert page.startswith(f"ITEM {number - 1} OF 4 · OFF TARGET · 10 MIN {row.kpi_name} ✖ Off target")
        assert f"{row.kpi_name} by month" in page  # the chart's title, drawn by kpi_chart
        assert format_value(row.value, row.unit) in page and format_value(row.target, row.unit) in page
        assert flat(row.explanation) in page
        assert flat(briefing.items[number - 2].question) in page
        assert f"page {number} of {len(pages)}" in page

    width, height = _png_size(first_page_png(pdf))
    assert (width, height) == (850, 1100)  # US letter at 100 dpi


@pytest.mark.browser  # the charts are drawn in Chromium
def test_an_items_page_lists_its_open_follow_ups_and_notes_and_a_topic_has_no_chart(
    held_meeting: Briefing, sample_city: Engine, renderer: ChartRenderer, artifacts: Path
) -> None:
    pdf = artifacts / "held-packet.pdf"
    pdf.write_bytes(packet_pdf(views.City.load(sample_city), held_meeting, renderer))
    pages = page_texts(pdf)
    assert page_count(pdf) == 1 + len(held_meeting.items) == 6
    first = pages[1]
    assert "Report injuries by station Deputy chief Ortiz due 31 Aug 2016" in first
    assert "Audit overtime approvals Finance partner due 30 Jun 2016 (moved from 31 May 2016) · ✖ overdue" in first
    assert "Hire two paramedics" not in first  # done: not open any more
    assert "staffing at two stations" in first
    assert "Meet hospital CEOs about offload" in pages[2] and "Meet hospital CEOs" not in first
    topic = pages[-1]
    assert "Budget for next year" in topic and "Asked by the mayor's office" in topic
    assert "by month" not in topic and "LATEST" not in topic


CRAFTED = r'#set page(width: 2cm) *bold* _under_ $x^2$ <label> @ref \ back #{1+1} ]end['


@pytest.mark.browser  # the charts are drawn in Chromium
def test_text_from_the_data_prints_literally_never_as_typst_markup(
    sample_city: Engine, renderer: ChartRenderer, artifacts: Path
) -> None:
    kpi = off_target(sample_city)["kpi"].iloc[0]
    briefing = Briefing(
        department="ems", department_name=f"EMS {CRAFTED}", as_of=AS_OF, title=CRAFTED, date=MEETING_DAY,
        attendees=[CRAFTED],
        items=[
            AgendaItem(kind="off_target", kpi=kpi, title=f"A {CRAFTED}", reason=f"B {CRAFTED}",
                       question=f"C {CRAFTED}", notes=f"D {CRAFTED}"),
            AgendaItem(kind="topic", title=f"E {CRAFTED}", reason=f"F {CRAFTED}"),
        ],
        followups=[FollowUp(id=1, department="ems", what=f"G {CRAFTED}", owner=f"H {CRAFTED}",
                            due=dt.date(2016, 9, 1), kpi=kpi)],
    )
    pdf = artifacts / "crafted-packet.pdf"
    pdf.write_bytes(packet_pdf(views.City.load(sample_city), briefing, renderer))
    pages = page_texts(pdf)
    assert page_count(pdf) == 3  # a `#set page` or `#pagebreak` read as markup would change the pages
    assert f"EMS {CRAFTED}" in pages[0] and CRAFTED in pages[0].replace(f"EMS {CRAFTED}", "")
    for prefix in "ABCDGH":
        assert f"{prefix} {CRAFTED}" in pages[1], prefix
    assert f"E {CRAFTED}" in pages[2] and f"F {CRAFTED}" in pages[2]


def test_a_packet_of_free_topics_needs_no_browser_and_a_16_item_agenda_keeps_the_cover_to_one_page(
    sample_city: Engine, monkeypatch: pytest.MonkeyPatch, artifacts: Path
) -> None:
    monkeypatch.setenv("LOUIESTAT_CHROMIUM", "/no/such/chromium")
    get_settings.cache_clear()
    topics = [AgendaItem(kind="topic", title=f"Topic {n}: staffing of the night shift at station {n}", reason="Asked")
              for n in range(1, 17)]
    briefing = Briefing(department="ems", department_name="Emergency Medical Services", as_of=AS_OF,
                        title="Topics", date=MEETING_DAY, items=topics)
    pdf = artifacts / "topics.pdf"
    pdf.write_bytes(packet_pdf(views.City.load(sample_city), briefing))
    pages = page_texts(pdf)
    assert page_count(pdf) == 17
    assert "Topic 16: staffing of the night shift at station 16 Topic 10 min Total 160 min" in pages[0]
    assert pages[16].startswith("ITEM 16 OF 16 · TOPIC · 10 MIN Topic 16")


LONG_NAME = "K" + "x" * 298 + "K"  # 300 letters without a space
LONG_NOTE = "N" * 20_000
MARGIN = 54  # 0.75 in, the packet's left and right margins, in points


@pytest.mark.browser  # the charts are drawn in Chromium
def test_a_300_letter_name_and_a_20000_letter_note_wrap_within_the_margins_and_beside_the_status_badge(
    sample_city: Engine, renderer: ChartRenderer, artifacts: Path
) -> None:
    kpi = off_target(sample_city)["kpi"].iloc[0]
    briefing = Briefing(
        department="ems", department_name="Emergency Medical Services", as_of=AS_OF, title=f"Title {LONG_NAME}",
        date=MEETING_DAY, attendees=[LONG_NAME],
        items=[AgendaItem(kind="off_target", kpi=kpi, title=LONG_NAME, reason=f"Why {LONG_NAME}",
                          question=f"Ask {LONG_NAME}", notes=LONG_NOTE)],
        followups=[FollowUp(id=1, department="ems", what=LONG_NAME, owner=LONG_NAME, due=dt.date(2016, 9, 1),
                            kpi=kpi)],
    )
    pdf = artifacts / "long-packet.pdf"
    pdf.write_bytes(packet_pdf(views.City.load(sample_city), briefing, renderer))
    pages = word_boxes(pdf)
    outside = [(w["text"][:20], round(w["xMin"]), round(w["xMax"])) for page in pages for w in page
               if w["xMin"] < MARGIN - 0.5 or w["xMax"] > w["page_width"] - MARGIN + 0.5
               or w["yMin"] < 0 or w["yMax"] > w["page_height"]]
    assert outside == [], "text past the margins"
    joined = "".join("".join(page_texts(pdf)).split())  # a run wrapped over lines reads whole again
    assert joined.count(LONG_NAME) >= 7
    assert sum(len(run) for run in re.findall(r"N{25,}", joined)) == len(LONG_NOTE), "the note, over pages"
    (item,) = [page for page in pages if any(w["text"] == "ITEM" for w in page[:3])][:1]
    badge = min((w for w in item if w["text"] == "target" and w["xMin"] > 400), key=lambda w: w["yMin"])
    beside = [w for w in item if "xxxx" in w["text"] and w["yMin"] < badge["yMax"]]
    assert beside and all(w["xMax"] < badge["xMin"] - 30 for w in beside), "the title runs into the badge"


@pytest.mark.browser  # the charts are drawn in Chromium
def test_a_charts_process_change_and_note_sit_between_its_title_and_its_data(
    sample_city: Engine, renderer: ChartRenderer, artifacts: Path
) -> None:
    briefing = Briefing(
        department="ems", department_name="Emergency Medical Services", as_of=AS_OF, title="Response time",
        date=MEETING_DAY, items=[AgendaItem(kind="off_target", kpi="response_time", title="Response time", reason="Asked")],
    )
    pdf = artifacts / "response-time.pdf"
    pdf.write_bytes(packet_pdf(views.City.load(sample_city), briefing, renderer))
    words = word_boxes(pdf)[1]
    title_bottom = max(w["yMax"] for w in words if w["text"] == "month")  # "Response time, priority 1 by month"
    ticks = [w for w in words if re.fullmatch(r"\d{1,2}(\.\d)?", w["text"]) and w["yMin"] > title_bottom]
    axis = min(w["yMin"] for w in words if re.fullmatch(r"20\d\d", w["text"]))  # the years under the plot
    annotations = [w for w in words if w["text"] in {"Process", "change:", "New", "CAD", "dispatch", "system", "live"}
                   and w["yMax"] < axis]  # not the legend's "Process limits"
    assert len(annotations) == 12, "the process change's label and the note 'New CAD dispatch system live'"
    assert ticks and all(title_bottom < w["yMin"] and w["yMax"] < min(t["yMin"] for t in ticks)
                         for w in annotations), "a label over the title or a note over the data"
    first_page_png(pdf)
