"""The agenda as a table a facilitator edits before the meeting (keep or drop, order, title, minutes, question), and
back: the items to save, in the order chosen, free topics added as new rows. The page counts the minutes of the
items this gives, and the packet prints the total of the same items, so both count a blank the same way."""

from __future__ import annotations

import pandas as pd

from louiestat.errors import MeetingRefused
from louiestat.meetings.briefing import AgendaItem
from louiestat.presentation.agenda import KIND_WORDS, MINUTES

TABLE_COLUMNS = ("keep", "order", "title", "kind", "minutes", "reason", "question")
ADDED = "Added by the facilitator"
ORDER_ACCEPTED = "give each kept row a whole number from 1 up, each number once (a blank Order goes last)"


def agenda_table(items: list[AgendaItem]) -> pd.DataFrame:
    """One row per item: ``keep`` (True), ``order`` (1 first), ``title``, ``kind`` in words, ``minutes``,
    ``reason`` and ``question``."""
    return pd.DataFrame(
        {"keep": True, "order": range(1, len(items) + 1), "title": [i.title for i in items],
         "kind": [KIND_WORDS[i.kind] for i in items], "minutes": [i.minutes for i in items],
         "reason": [i.reason for i in items], "question": [i.question for i in items]},
        columns=list(TABLE_COLUMNS),
    )


def kept_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of an edited agenda table that stay on the agenda: those whose Keep box is ticked (a blank box is
    not, as the page shows it)."""
    return table[table["keep"].eq(True)]


def kept_items(items: list[AgendaItem], table: pd.DataFrame) -> list[AgendaItem]:
    """The items the kept rows of ``table`` make, in the rows' order: rows beyond ``items`` are free topics, a blank
    Minutes is the kind's usual minutes (10 for a topic), a blank title stays blank."""
    rows = kept_rows(table.reset_index(drop=True))
    return [_item(items, n, row) for n, row in rows.iterrows()]


def edited_agenda(items: list[AgendaItem], table: pd.DataFrame) -> list[AgendaItem]:
    """The items ``table`` keeps (see ``kept_items``), sorted by its Order; MeetingRefused naming each kept row
    without a title or with an Order that is not a whole number from 1 up or is used twice."""
    rows = kept_rows(table.reset_index(drop=True))
    problems = _title_problems(rows)
    if order_problems := _order_problems(rows):
        problems.append("; ".join([*order_problems, ORDER_ACCEPTED]))
    if problems:
        raise MeetingRefused("; ".join(problems))
    order = pd.to_numeric(rows["order"], errors="coerce")
    ranked = sorted(zip(order.isna(), order.fillna(0), rows.index, kept_items(items, table), strict=True),
                    key=lambda entry: entry[:3])
    return [item for *_, item in ranked]


def _item(items: list[AgendaItem], n: int, row: pd.Series) -> AgendaItem:
    """Row ``n`` (0 first) as an item: the proposed one it shows, or a free topic added below them."""
    base = items[n] if n < len(items) else AgendaItem(kind="topic", title="", reason=ADDED)
    minutes = MINUTES[base.kind] if pd.isna(row["minutes"]) else int(row["minutes"])
    title = "" if pd.isna(row["title"]) else str(row["title"]).strip()
    question = "" if pd.isna(row["question"]) else str(row["question"])
    return base.model_copy(update={"title": title, "minutes": minutes, "question": question})


def _rows_named(numbers: list[int]) -> str:
    """'row 4', 'rows 2 and 5', 'rows 2, 3 and 5'."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return f"rows {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def _title_problems(rows: pd.DataFrame) -> list[str]:
    untitled = [n + 1 for n, title in rows["title"].items() if pd.isna(title) or not str(title).strip()]
    if not untitled:
        return []
    verb = "has" if len(untitled) == 1 else "have"
    return [f"agenda {_rows_named(untitled)} {verb} no title; give each a title or untick Keep"]


def _order_problems(rows: pd.DataFrame) -> list[str]:
    """An Order the agenda would not keep as typed: 0, negative or not whole, or the same number on two rows."""
    order = pd.to_numeric(rows["order"], errors="coerce")
    wrong = order.notna() & ((order < 1) | (order % 1 != 0))
    problems = [f"agenda row {n + 1}: Order {value:g} is not a place on the agenda" for n, value in order[wrong].items()]
    numbered = order[order.notna() & ~wrong]
    twice = numbered[numbered.duplicated(keep=False)]
    for value, shared in twice.groupby(twice).groups.items():
        together = "both" if len(shared) == 2 else "all"
        problems.append(f"agenda {_rows_named([n + 1 for n in shared])} {together} have Order {value:g}")
    return problems
