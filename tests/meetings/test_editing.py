"""The agenda table the facilitator edits: dropping, renumbering and adding a free topic give the items to save; a
blank Keep box is not kept (as it shows), an Order the agenda would not keep is refused naming its row, and a blank
Minutes counts as the kind's usual minutes wherever the agenda is counted."""

from __future__ import annotations

import pandas as pd
import pytest

from louiestat.errors import MeetingRefused
from louiestat.meetings.briefing import AgendaItem, agenda_minutes
from louiestat.meetings.editing import agenda_table, edited_agenda, kept_items, kept_rows

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
    added = pd.DataFrame([{"keep": True, "order": 3, "title": " Summer pools ", "minutes": None, "question": None}])
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
    with pytest.raises(MeetingRefused, match="agenda rows 2 and 3 have no title; give each a title or untick Keep"):
        edited_agenda(ITEMS, table)


def test_a_row_whose_keep_box_is_blank_is_not_kept_as_the_box_shows() -> None:
    added = pd.DataFrame([{"keep": None, "order": None, "title": "Shown unticked", "minutes": None},
                          {"keep": True, "order": None, "title": "Ticked", "minutes": None}])
    edited = pd.concat([agenda_table(ITEMS), added], ignore_index=True)
    assert kept_rows(edited)["title"].tolist()[-1:] == ["Ticked"]
    assert [i.title for i in edited_agenda(ITEMS, edited)] == [*(i.title for i in ITEMS), "Ticked"]


@pytest.mark.parametrize(("order", "message"), [
    (0, ("agenda row 2: Order 0 is not a place on the agenda; give each kept row a whole number from 1 up, each "
         "number once (a blank Order goes last)")),
    (-3, "agenda row 2: Order -3 is not a place on the agenda"),
    (1.5, "agenda row 2: Order 1.5 is not a place on the agenda"),
    (3, "agenda rows 2 and 3 both have Order 3; give each kept row a whole number from 1 up, each number once"),
])
def test_an_order_the_agenda_would_not_keep_is_refused_naming_its_row(order: float, message: str) -> None:
    table = agenda_table(ITEMS)
    table["order"] = table["order"].astype(float)
    table.loc[1, "order"] = order
    with pytest.raises(MeetingRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        edited_agenda(ITEMS, table)


def test_every_order_problem_and_missing_title_is_named_at_once_and_dropped_rows_are_not_checked() -> None:
    table = agenda_table(ITEMS)
    table["order"] = [2, 2, 2]
    table.loc[0, "title"] = ""
    added = pd.DataFrame([{"keep": True, "order": 0, "title": "New"}, {"keep": False, "order": -1, "title": None}])
    with pytest.raises(MeetingRefused) as refused:
        edited_agenda(ITEMS, pd.concat([table, added], ignore_index=True))
    assert str(refused.value).split("; give each ")[0] == "agenda row 1 has no title"
    assert "agenda row 4: Order 0 is not a place on the agenda" in str(refused.value)
    assert "agenda rows 1, 2 and 3 all have Order 2" in str(refused.value)
    assert "row 5" not in str(refused.value)


def test_gaps_in_the_order_keep_it_and_blank_orders_go_last_in_their_rows_order() -> None:
    table = agenda_table(ITEMS)
    table["order"] = [30, None, 10]
    added = pd.DataFrame([{"keep": True, "order": None, "title": "Pools"}, {"keep": True, "order": 20, "title": "Budget"}])
    items = edited_agenda(ITEMS, pd.concat([table, added], ignore_index=True))
    assert [i.title for i in items] == [
        "Training hours delivered", "Budget", "Report overtime by shift", "Monthly turnover", "Pools"]


def test_a_blank_minutes_counts_as_the_kinds_usual_minutes_before_and_after_saving() -> None:
    table = agenda_table(ITEMS)
    table["minutes"] = table["minutes"].astype(float)
    table.loc[0, "minutes"] = None  # a follow-up: 5 minutes
    added = pd.DataFrame([{"keep": True, "title": "Pools", "minutes": None}])  # a topic: 10 minutes
    edited = pd.concat([table, added], ignore_index=True)
    assert [i.minutes for i in kept_items(ITEMS, edited)] == [5, 10, 8, 10]
    assert agenda_minutes(kept_items(ITEMS, edited)) == agenda_minutes(edited_agenda(ITEMS, edited)) == 33
