"""The agenda as a table a facilitator edits before the meeting (keep or drop, order, title, minutes, question), and
back: the items to save, in the order chosen, free topics added as new rows."""

from __future__ import annotations

import pandas as pd

from louiestat.briefing import AgendaItem
from louiestat.errors import MeetingRefused
from louiestat.presentation.agenda import KIND_WORDS, MINUTES

TABLE_COLUMNS = ("keep", "order", "title", "kind", "minutes", "reason", "question")


def agenda_table(items: list[AgendaItem]) -> pd.DataFrame:
    """One row per item: ``keep`` (True), ``order`` (1 first), ``title``, ``kind`` in words, ``minutes``,
    ``reason`` and ``question``."""
    return pd.DataFrame(
        {"keep": True, "order": range(1, len(items) + 1), "title": [i.title for i in items],
         "kind": [KIND_WORDS[i.kind] for i in items], "minutes": [i.minutes for i in items],
         "reason": [i.reason for i in items], "question": [i.question for i in items]},
        columns=list(TABLE_COLUMNS),
    )


def edited_agenda(items: list[AgendaItem], table: pd.DataFrame) -> list[AgendaItem]:
    """The items ``table`` keeps, sorted by its ``order`` (ties keep their rows' order): rows beyond ``items``
    are free topics added by the facilitator; a kept row without a title is refused, naming it."""
    rows = table.reset_index(drop=True)
    kept = kept_rows(rows)
    untitled = [n + 1 for n, title in kept["title"].items() if pd.isna(title) or not str(title).strip()]
    if untitled:
        rows_named = f"row {untitled[0]} has" if len(untitled) == 1 else f"rows {', '.join(map(str, untitled))} have"
        raise MeetingRefused(f"agenda {rows_named} no title; give each a title or untick Keep")
    chosen = []
    for n, row in kept.iterrows():
        minutes = int(row["minutes"]) if pd.notna(row["minutes"]) else MINUTES["topic"]
        question = "" if pd.isna(row["question"]) else str(row["question"])
        base = items[n] if n < len(items) else AgendaItem(kind="topic", title="", reason="Added by the facilitator")
        item = base.model_copy(update={"title": str(row["title"]).strip(), "minutes": minutes, "question": question})
        order = row["order"] if pd.notna(row["order"]) else len(rows) + n
        chosen.append((float(order), n, item))
    return [item for _, _, item in sorted(chosen, key=lambda entry: entry[:2])]


def kept_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of an edited agenda table that stay on the agenda: ticked Keep, or added with Keep left blank."""
    return table[table["keep"].fillna(True).astype(bool)]
