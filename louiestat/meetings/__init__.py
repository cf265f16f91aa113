"""Stat meetings: the agenda proposed from the data, meetings stored with their agendas and notes, and the
follow-ups carried from one meeting to the next until they are closed. A meeting as data is a ``Briefing``
(``louiestat.meetings.briefing``): the pages, the packet and the minutes all read one."""

from louiestat.meetings.agenda import briefing_for, propose
from louiestat.meetings.read import briefing, filter_followups, followup_counts, followup_table, meetings
from louiestat.meetings.store import (
    add_followup,
    close_followup,
    create_meeting,
    mark_held,
    reschedule_followup,
    save_agenda,
    save_notes,
    set_current,
    start_meeting,
    update_meeting,
)

__all__ = [
    "add_followup", "briefing", "briefing_for", "close_followup", "create_meeting", "filter_followups",
    "followup_counts", "followup_table", "mark_held", "meetings", "propose", "reschedule_followup", "save_agenda",
    "save_notes", "set_current", "start_meeting", "update_meeting",
]
