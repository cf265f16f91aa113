"""The minutes of a held stat meeting, as PDF and as Markdown: who attended, the notes taken on each agenda item
and every follow-up (what, owner, due date; the response for those closed), the same content in both."""

from __future__ import annotations

from pydantic import BaseModel

from louiestat.meetings.briefing import Briefing, FollowUp
from louiestat.packet.print_words import closed_text, due_text, long_date
from louiestat.packet.typesetting import typeset
from louiestat.presentation.agenda import KIND_WORDS, meeting_status_words
from louiestat.presentation.markdown import escape_markdown
from louiestat.presentation.values import month_label

NO_NOTES = "No notes were taken."


class FollowUpRow(BaseModel):
    what: str
    owner: str
    due: str
    kpi: str
    status: str
    raised: str


class ItemNotes(BaseModel):
    number: int
    title: str
    kind: str
    notes: str


class MinutesData(BaseModel):
    """Everything the minutes say, as plain text, for the PDF template and the Markdown alike."""

    department_name: str
    title: str
    date: str
    status: str
    as_of: str
    attendees: list[str]
    footer: str
    items: list[ItemNotes]
    followups: list[FollowUpRow]


def minutes_data(briefing: Briefing) -> MinutesData:
    """The minutes' content; follow-ups raised in this meeting first, then those carried over, by due date."""
    ordered = sorted(briefing.followups, key=lambda f: (f.raised_in != briefing.meeting_id, f.due_by, f.id))
    return MinutesData(
        department_name=briefing.department_name,
        title=briefing.title,
        date=long_date(briefing.date),
        status=meeting_status_words(briefing.status, briefing.started_at, briefing.ended_at),
        as_of=month_label(briefing.as_of),
        attendees=briefing.attendees,
        footer=f"Minutes · {briefing.department_name} · {briefing.title}",
        items=[
            ItemNotes(number=n, title=item.title, kind=KIND_WORDS[item.kind], notes=item.notes.strip() or NO_NOTES)
            for n, item in enumerate(briefing.items, start=1)
        ],
        followups=[_row(f, briefing) for f in ordered],
    )


def _row(followup: FollowUp, briefing: Briefing) -> FollowUpRow:
    raised = (
        "this meeting" if followup.raised_in == briefing.meeting_id
        else f"meeting {followup.raised_in}" if followup.raised_in is not None else "–"
    )
    return FollowUpRow(
        what=followup.what,
        owner=followup.owner,
        due=due_text(followup, briefing.date).removeprefix("due "),
        # A follow-up whose KPI is no longer defined keeps the key it was raised with.
        kpi=(followup.kpi_name or followup.kpi) if followup.kpi else "–",
        status=closed_text(followup),
        raised=raised,
    )


def minutes_pdf(briefing: Briefing) -> bytes:
    """The minutes as a PDF (page numbers 'page 1 of 2')."""
    return typeset("minutes.typ", minutes_data(briefing))


def minutes_markdown(briefing: Briefing) -> str:
    """The minutes as Markdown; every text from the data is escaped, so none of it becomes a link, image or tag."""
    data = minutes_data(briefing)
    lines = [
        f"# Minutes: {escape_markdown(data.department_name)}, {escape_markdown(data.title)}",
        "",
        f"- **Meeting:** {data.date}, {data.status}",
        f"- **Data as of:** {data.as_of}",
        f"- **Attendees:** {', '.join(escape_markdown(a) for a in data.attendees) or 'none recorded'}",
        "",
        "## Notes by agenda item",
    ]
    for item in data.items:
        lines += ["", f"### {item.number}. {escape_markdown(item.title)}", "", f"*{item.kind}*", "",
                  escape_markdown(item.notes)]
    lines += ["", "## Follow-ups", ""]
    if not data.followups:
        lines.append("No follow-ups.")
    else:
        lines += ["| What | Owner | Due | KPI | Status | Raised in |", "|---|---|---|---|---|---|"]
        lines += [
            "| " + " | ".join(_cell(text) for text in (f.what, f.owner, f.due, f.kpi, f.status, f.raised)) + " |"
            for f in data.followups
        ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """A table cell: escaped, on one line (a line break would end the row)."""
    return escape_markdown(" ".join(text.split()))
