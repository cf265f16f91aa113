"""The stored departments and KPIs, looked up the way analysts name them: by slug or display name, by key or
KPI name, in any case; a name that matches nothing gets the closest existing one as a suggestion."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from louiestat.db import bulk, models


def _fold(values: pd.Series) -> pd.Series:
    return values.astype("str").str.strip().str.casefold()


@dataclass
class Catalog:
    """Departments (``id, slug, name``) and KPIs (``id, department_id, key, name, unit, min_value, max_value,
    target, aggregation, source``)."""

    departments: pd.DataFrame
    kpis: pd.DataFrame

    @classmethod
    def load(cls, conn: Connection) -> Catalog:
        d, k = models.Department, models.Kpi
        departments = bulk.fetch_frame(conn, select(d.id, d.slug, d.name))
        kpis = bulk.fetch_frame(
            conn,
            select(
                k.id, k.department_id, k.key, k.name, k.unit, k.min_value, k.max_value, k.target, k.aggregation,
                k.source,
            ),
        )
        return cls(departments.astype({"slug": "str", "name": "str"}), kpis.astype({"key": "str", "name": "str"}))

    def department_ids(self, names: pd.Series) -> np.ndarray:
        """Department id for each name (slug or display name, any case); -1 where none matches."""
        lookup = pd.concat(
            [
                pd.Series(self.departments["id"].to_numpy(), index=_fold(self.departments["name"])),
                pd.Series(self.departments["id"].to_numpy(), index=_fold(self.departments["slug"])),
            ]
        )
        lookup = lookup[~lookup.index.duplicated(keep="last")]
        codes, uniques = pd.factorize(names)
        ids = _fold(pd.Series(uniques)).map(lookup).fillna(-1).to_numpy(dtype="int64")
        return ids[codes]

    def kpi_ids(self, department_ids: np.ndarray, names: pd.Series) -> np.ndarray:
        """KPI id for each (department id, KPI key or name); -1 where none matches."""
        by_name = pd.DataFrame(
            {"department_id": self.kpis["department_id"], "folded": _fold(self.kpis["name"]), "id": self.kpis["id"]}
        )
        by_key = by_name.assign(folded=_fold(self.kpis["key"]))
        lookup = pd.concat([by_name, by_key]).drop_duplicates(["department_id", "folded"], keep="last")
        # Look up each distinct (department, name) pair once, coded as one integer.
        name_codes, name_uniques = pd.factorize(names)
        n = max(len(name_uniques), 1)
        pairs, codes = np.unique(department_ids.astype("int64") * n + name_codes, return_inverse=True)
        folded = _fold(pd.Series(name_uniques)).to_numpy()
        wanted = pd.DataFrame({"department_id": pairs // n, "folded": folded[pairs % n]})
        found = wanted.merge(lookup, on=["department_id", "folded"], how="left")
        return found["id"].fillna(-1).to_numpy(dtype="int64")[codes]

    def suggest_department(self, name: str) -> str:
        """'unknown department …' with the closest known slug, and where to define new ones."""
        options = self.departments["slug"].tolist() + self.departments["name"].tolist()
        return _unknown("department", name, options, "departments are created by uploading a definitions file")

    def suggest_kpi(self, department_id: int, name: str) -> str:
        mine = self.kpis[self.kpis["department_id"] == department_id]
        slug = self.departments.loc[self.departments["id"] == department_id, "slug"].iloc[0]
        options = mine["key"].tolist() + mine["name"].tolist()
        return _unknown(f"KPI of department '{slug}'", name, options, "KPIs are defined by uploading a definitions file")


def _unknown(what: str, name: str, options: list[str], how: str) -> str:
    close = difflib.get_close_matches(name.strip(), options, n=1, cutoff=0.5) or difflib.get_close_matches(
        name.strip().casefold(), [o.casefold() for o in options], n=1, cutoff=0.5
    )
    if close:
        return f"unknown {what}; did you mean '{close[0]}'?"
    if not options:
        return f"unknown {what}; none are defined yet ({how})"
    listed = ", ".join(sorted(options, key=str.casefold)[:8])
    return f"unknown {what}; known ones include {listed} ({how})"
