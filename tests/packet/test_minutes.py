"""The minutes of a held meeting of the sample city, as PDF (read back with pdftotext) and as Markdown; a stored
meeting marked held says when, on the local clock, and the follow-ups' KPI column names the KPI."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from louiestat import meetings
from louiestat.meetings.briefing import Briefing, FollowUp
from louiestat.meetings.sample import load_sample_meetings
from louiestat.meetings.store import held_between
from louiestat.packet import minutes_markdown, minutes_pdf
from louiestat.packet.minutes import minutes_data
from louiestat.packet.print_words import short_date
from louiestat.packet.typesetting import typeset
from louiestat.presentation.markdown import escape_markdown
from tests.conftest import shown
from tests.packet.conftest import first_page_png, font_names, page_count, page_texts


def test_the_minutes_pdf_has_the_attendees_the_notes_of_every_item_and_every_follow_up(
    held_meeting: Briefing, artifacts: Path
) -> None:
    pdf = artifacts / "minutes.pdf"
    pdf.write_bytes(minutes_pdf(held_meeting))
    pages = page_texts(pdf)
    text = " ".join(pages)
    assert all(f"page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert page_count(pdf) == len(pages)
    assert "Thursday 14 July 2016, held" in text
    assert all(name in text for name in held_meeting.attendees)
    for number, item in enumerate(held_meeting.items, start=1):
        assert f"{number}. {item.title}" in text
        assert (item.notes or "No notes were taken.") in text
    for followup in held_meeting.followups:
        assert f"{followup.what} {followup.owner} {short_date(followup.due_by)}" in text
    assert "30 Jun 2016 (moved from 31 May 2016) · ✖ overdue" in text  # open and past its due date on 14 July
    assert "✔ Done 21 Jun 2016 by ana@city.gov: Both started on 20 June" in text
    assert "✖ Dropped 1 Jul 2016 by ana@city.gov: Replaced by the offload protocol" in text
    assert first_page_png(pdf).stat().st_size > 10_000


def test_the_minutes_markdown_has_the_same_content(held_meeting: Briefing) -> None:
    text = minutes_markdown(held_meeting)
    read = shown(text)
    assert read.startswith("# Minutes: Emergency Medical Services, LouieStat, June 2016\n")
    assert "- **Attendees:** Chief of staff Lee, EMS director Hall, Analyst Ruiz" in read
    for number, item in enumerate(held_meeting.items, start=1):
        assert f"### {number}. {item.title}" in read
        assert (item.notes or "No notes were taken.") in read
    rows = [line for line in read.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == len(held_meeting.followups)
    for followup in held_meeting.followups:
        assert any(
            row.startswith(f"| {followup.what} | {followup.owner} | {short_date(followup.due_by)}") for row in rows
        ), followup.what
    assert "| ✔ Done 21 Jun 2016 by ana@city.gov: Both started on 20 June | meeting 9 |" in read
    assert "| Report injuries by station | Deputy chief Ortiz | 31 Aug 2016 | Hours lost to work injuries | ○ Open | " \
           "this meeting |" in read


CRAFTED = '[click](http://127.0.0.1:9/x) ![t](http://127.0.0.1:9/t.png) <img src=x onerror=alert(1)> www.x.org a|b'


def test_text_from_the_data_is_never_a_link_an_image_or_a_tag_in_the_markdown(held_meeting: Briefing) -> None:
    crafted = held_meeting.model_copy(update={
        "attendees": [CRAFTED],
        "items": [held_meeting.items[0].model_copy(update={"title": CRAFTED, "notes": f"# {CRAFTED}\n- {CRAFTED}"})],
        "followups": [FollowUp(id=1, department="ems", what=CRAFTED, owner=f"{CRAFTED}\nline two",
                               due=dt.date(2016, 9, 1))],
    })
    text = minutes_markdown(crafted)
    for live in (r"\[click\]\(", r"!\[t\]\(", "<img", "http://", r"www\.x", "\n# ", "\n- \\["):
        assert not re.search(rf"(?<!\\){live}", text), live
    assert escape_markdown(CRAFTED) in text
    follow_up_row = text.splitlines()[-1]
    assert follow_up_row.count(" | ") == 5  # the crafted '|' and line break stay inside their cells
    assert f"{escape_markdown(CRAFTED)} line two" in follow_up_row


def test_text_from_the_data_prints_literally_in_the_minutes_pdf(held_meeting: Briefing, artifacts: Path) -> None:
    crafted_text = r'#set page(width: 2cm) *bold* _x_ $y$ <z> @ref \ #pagebreak() ]['
    crafted = held_meeting.model_copy(update={
        "title": crafted_text,
        "items": [held_meeting.items[0].model_copy(update={"notes": crafted_text})],
        "followups": [FollowUp(id=1, department="ems", what=crafted_text, owner="Lee", due=dt.date(2016, 9, 1))],
    })
    pdf = artifacts / "crafted-minutes.pdf"
    pdf.write_bytes(minutes_pdf(crafted))
    text = " ".join(page_texts(pdf))
    assert page_count(pdf) == 1
    assert text.count(crafted_text) >= 3


TYPED = "Café 🚑 救护车 إسعاف"


def _coloured_pixels(png: Path) -> int:
    """Pixels of a strong colour (the minutes are otherwise black and grey): those of a colour emoji."""
    import numpy as np
    from PIL import Image

    with Image.open(png) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((pixels.max(axis=2) - pixels.min(axis=2) > 90).sum())


def test_emoji_chinese_and_arabic_print_in_fonts_that_have_them_and_a_right_to_left_override_as_an_escape(
    held_meeting: Briefing, artifacts: Path
) -> None:
    typed = held_meeting.model_copy(update={"title": TYPED, "attendees": ["Ana \u202eevil\u202c Ruiz"]})
    pdf = artifacts / "typed-minutes.pdf"
    pdf.write_bytes(minutes_pdf(typed))
    fonts = font_names(pdf)
    assert "NotoSansCJKsc" in fonts, fonts
    assert "Type 3" in fonts, "Noto Color Emoji, drawn as a bitmap font"
    text = " ".join(page_texts(pdf))
    assert "Café 🚑" in text and "救护车" in text and "إسعاف" in text
    assert "Ana <U+202E>evil<U+202C> Ruiz" in text and "\u202e" not in text
    assert _coloured_pixels(first_page_png(pdf)) > 50, "the ambulance, in colour"


def test_without_those_fonts_the_minutes_still_print(held_meeting: Briefing, artifacts: Path) -> None:
    import typst

    bare = typst.Fonts(include_system_fonts=False, font_paths=[])  # typst's own few fonts only
    pdf = artifacts / "no-fonts.pdf"
    pdf.write_bytes(typeset("minutes.typ", minutes_data(held_meeting.model_copy(update={"title": TYPED})), fonts=bare))
    assert "Noto" not in font_names(pdf)
    assert page_count(pdf) >= 1 and "Minutes" in " ".join(page_texts(pdf)).title()


def hr_meeting(engine: Engine) -> int:
    """The sample city's meetings loaded; the id of Human Resources' (turnover, injury hours, onboarding, a topic)."""
    load_sample_meetings(engine, "sample")
    return int(meetings.meetings(engine, "hr")["meeting_id"].iloc[0])


@pytest.mark.usefixtures("louisville_clock")
def test_a_meeting_marked_held_says_so_with_its_date_and_times_in_both_minutes(
    sample_city: Engine, artifacts: Path
) -> None:
    hr = meetings.briefing(sample_city, hr_meeting(sample_city))
    planned_id = meetings.create_meeting(sample_city, "tester", hr.model_copy(update={
        "status": "planned", "date": dt.date(2016, 7, 13), "title": "Human Resources stat · June 2016"}))
    assert "- **Meeting:** Wednesday 13 July 2016, planned (not held yet)" in minutes_markdown(
        meetings.briefing(sample_city, planned_id))

    started, ended = held_between(dt.date(2016, 7, 14), dt.time(14, 2), dt.time(15, 30))  # typed on the local clock
    assert (started, ended) == (dt.datetime(2016, 7, 14, 18, 2), dt.datetime(2016, 7, 14, 19, 30))  # stored in UTC
    meetings.mark_held(sample_city, "tester", planned_id, started, ended)

    held = meetings.briefing(sample_city, planned_id)
    assert (held.status, held.date, held.started_at, held.ended_at) == ("held", dt.date(2016, 7, 14), started, ended)
    assert "- **Meeting:** Thursday 14 July 2016, held 14:02–15:30" in minutes_markdown(held)
    pdf = artifacts / "held-minutes.pdf"
    pdf.write_bytes(minutes_pdf(held))
    text = " ".join(page_texts(pdf))
    assert "MEETING Thursday 14 July 2016, held 14:02–15:30" in text and "not held" not in text


def test_the_minutes_kpi_column_names_the_kpi_whatever_the_agenda_item_is_called(sample_city: Engine) -> None:
    meeting_id = hr_meeting(sample_city)
    hr = meetings.briefing(sample_city, meeting_id)
    retitled = [item.model_copy(update={"title": "Exits in the first year"}) if item.kpi == "turnover_rate" else item
                for item in hr.items]
    meetings.save_agenda(sample_city, "tester", meeting_id, retitled)
    meetings.add_followup(sample_city, "tester", "hr", what="Compare grievances with exits", owner="HR Director",
                          due=dt.date(2016, 8, 1), kpi="grievances_filed", raised_in=meeting_id)  # not on the agenda
    rows = {row.split(" | ")[0].removeprefix("| "): row.split(" | ")[3]
            for row in shown(minutes_markdown(meetings.briefing(sample_city, meeting_id))).splitlines()
            if row.startswith("| ") and "---" not in row}
    assert rows == {
        "What": "KPI",
        "Bring exit-interview findings for the first-year leavers": "Monthly turnover",
        "Ask the state for a faster background-check channel": "Days to onboard a new hire",
        "Review the two long injury claims with Risk Management": "Hours lost to work injuries",
        "Compare grievances with exits": "Grievances filed",
    }
