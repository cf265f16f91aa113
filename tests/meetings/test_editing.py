"""The agenda table the facilitator edits: dropping, renumbering and adding a free topic give the items to save."""

from __future__ import annotations

import pandas as pd
import pytest

from louiestat.briefing import AgendaItem
from louiestat.errors import MeetingRefused
from louiestat.meetings.editing import agenda_table, edited_agenda, kept_rows

ITEMS = [
    AgendaItem(kind="followup", kpi="overtime_hours", title="Report overtime by shift", reason="Overdue",
               question="Done?", minutes=5, followup_id=4),
    AgendaItem(kind="off_target", kpi="turnover_rate", title="Monthly turnover", reason="Worse than target",
               question="Why?", minutes=10),
    AgendaItem(kind="worsening", kpi="training_hours", title="Training hours delivered", reason="Worsening",
               question="What drives it?", minutes=8),
]


def test_the_table_shows_each_item_in_order_with_its_kind_in_words() -> None:
    table = agenda_table(ITEMS)
    assert table[["order", "title", "kind", "minutes"]].values.tolist() == [
        [1, "Report overtime by shift", "Follow-up from an earlier meeting", 5],
        [2, "Monthly turnover", "Off target", 10],
        [3, "Training hours delivered", "Worsening trend", 8],
    ]
    assert edited_agenda(ITEMS, table) == ITEMS


def test_dropped_renumbered_and_added_rows_give_the_agenda_to_save() -> None:
    table = agenda_table(ITEMS)
    table.loc[0, "keep"] = False
    table.loc[2, ["order", "minutes", "question"]] = [1, 12, "What will turn it around?"]
    added = pd.DataFrame([{"keep": None, "order": 2, "title": " Summer pools ", "minutes": None, "question": None}])
    edited = pd.concat([table, added], ignore_index=True)
    assert kept_rows(edited)["title"].tolist() == ["Monthly turnover", "Training hours delivered", " Summer pools "]
    items = edited_agenda(ITEMS, edited)
    assert [(i.kind, i.kpi, i.title, i.minutes, i.question) for i in items] == [
        ("worsening", "training_hours", "Training hours delivered", 12, "What will turn it around?"),
        ("off_target", "turnover_rate", "Monthly turnover", 10, "Why?"),
        ("topic", None, "Summer pools", 10, ""),
    ]
    assert items[2].reason == "Added by the facilitator"


def test_a_row_without_a_title_is_refused_naming_it() -> None:
    table = pd.concat([agenda_table(ITEMS), pd.DataFrame([{"keep": True, "title": None}])], ignore_index=True)
    with pytest.raises(MeetingRefused, match="agenda row 4 has no title"):
        edited_agenda(ITEMS, table)


def test_an_unticked_row_needs_no_title_and_a_missing_title_is_never_saved_as_nan() -> None:
    table = agenda_table(ITEMS)
    dropped_blank = pd.concat([table, pd.DataFrame([{"keep": False, "title": None}])], ignore_index=True)
    assert edited_agenda(ITEMS, dropped_blank) == ITEMS

    table["title"] = table["title"].astype(object)
    table.loc[1, "title"] = float("nan")
    with pytest.raises(MeetingRefused, match="agenda row 2 has no title"):
        edited_agenda(ITEMS, table)

    table.loc[2, "title"] = "  "
    with pytest.raises(MeetingRefused, match="agenda rows 2, 3 have no title; give each a title or untick Keep"):
        edited_agenda(ITEMS, table)
