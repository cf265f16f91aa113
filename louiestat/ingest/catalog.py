"""The stored departments and KPIs, looked up the way analysts name them: by slug or display name, by key or
KPI name, in any case and spacing. A slug or key matches first; a display name shared by two departments (or
two KPIs of one department) means neither, and a name that matches nothing gets the closest existing one as a
suggestion."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from louiestat.db import bulk, models

UNKNOWN, AMBIGUOUS = -1, -2


def fold(values: pd.Series) -> pd.Series:
    """Names, keys and ids as they are compared: casefolded, runs of whitespace as one space, stripped."""
    return values.astype("str").str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


def _first_then_unique(exact: pd.DataFrame, named: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """One row per ``on`` key: a row of ``exact`` (slugs, keys) where one matches, else the one row of ``named``
    with that key, else ``AMBIGUOUS`` where several have it."""
    named = named.assign(id=np.where(named.duplicated(on, keep=False), AMBIGUOUS, named["id"]))
    return pd.concat([exact, named]).drop_duplicates(on, keep="first")


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

    @cached_property
    def _department_lookup(self) -> pd.Series:
        """Department id by folded slug or name, built once for all chunks of a file."""
        d = self.departments
        by_slug = pd.DataFrame({"folded": fold(d["slug"]), "id": d["id"]})
        return _first_then_unique(by_slug, by_slug.assign(folded=fold(d["name"])), ["folded"]).set_index("folded")["id"]

    @cached_property
    def _kpi_lookup(self) -> pd.DataFrame:
        """KPI id by department id and folded key or name, built once for all chunks of a file."""
        by_key = pd.DataFrame(
            {"department_id": self.kpis["department_id"], "folded": fold(self.kpis["key"]), "id": self.kpis["id"]}
        )
        return _first_then_unique(by_key, by_key.assign(folded=fold(self.kpis["name"])), ["department_id", "folded"])

    def department_ids(self, names: pd.Series) -> np.ndarray:
        """Department id for each name (slug, else display name; any case and spacing); ``UNKNOWN`` where none
        matches, ``AMBIGUOUS`` where two departments have that display name."""
        codes, uniques = pd.factorize(names)
        ids = fold(pd.Series(uniques)).map(self._department_lookup).fillna(UNKNOWN).to_numpy(dtype="int64")
        return ids[codes]

    def kpi_ids(self, department_ids: np.ndarray, names: pd.Series) -> np.ndarray:
        """KPI id for each (department id, KPI key, else name; any case and spacing); ``UNKNOWN`` where none
        matches, ``AMBIGUOUS`` where two KPIs of the department have that name."""
        # Look up each distinct (department, name) pair once, coded as one integer.
        name_codes, name_uniques = pd.factorize(names)
        n = max(len(name_uniques), 1)
        pairs, codes = np.unique(department_ids.astype("int64") * n + name_codes, return_inverse=True)
        folded = fold(pd.Series(name_uniques)).to_numpy()
        wanted = pd.DataFrame({"department_id": pairs // n, "folded": folded[pairs % n]})
        found = wanted.merge(self._kpi_lookup, on=["department_id", "folded"], how="left")
        return found["id"].fillna(UNKNOWN).to_numpy(dtype="int64")[codes]

    def suggest_department(self, name: str) -> str:
        """'unknown department …' with the closest known slug, and where to define new ones."""
        options = self.departments["slug"].tolist() + self.departments["name"].tolist()
        return _unknown("department", name, options, "departments are created by uploading a definitions file")

    def ambiguous_department(self, name: str) -> str:
        """Why a display name shared by departments is refused, naming each of them by slug."""
        d = self.departments
        same = d[fold(d["name"]) == fold(pd.Series([name]))[0]].sort_values("slug")
        return _ambiguous("department", name, same["slug"], same["name"], "department slug")

    def ambiguous_kpi(self, department_id: int, name: str) -> str:
        """Why a KPI name shared by KPIs of one department is refused, naming each of them by key."""
        k = self.kpis
        mine = k[k["department_id"] == department_id]
        same = mine[fold(mine["name"]) == fold(pd.Series([name]))[0]].sort_values("key")
        slug = self.departments.loc[self.departments["id"] == department_id, "slug"].iloc[0]
        return _ambiguous(f"KPI name of department '{slug}'", name, same["key"], same["name"], "KPI key")

    def suggest_kpi(self, department_id: int, name: str) -> str:
        mine = self.kpis[self.kpis["department_id"] == department_id]
        slug = self.departments.loc[self.departments["id"] == department_id, "slug"].iloc[0]
        options = mine["key"].tolist() + mine["name"].tolist()
        return _unknown(f"KPI of department '{slug}'", name, options, "KPIs are defined by uploading a definitions file")


def _ambiguous(what: str, name: str, ids: pd.Series, names: pd.Series, id_word: str) -> str:
    listed = " and ".join(f"'{i}' ({n})" for i, n in zip(ids, names))
    return (
        f"ambiguous {what}: '{name.strip()}' is the name of {listed}, so it could mean either; give the "
        f"{id_word} ({' or '.join(ids)}) instead, or rename one of them in a definitions file"
    )


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
