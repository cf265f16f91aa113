"""Page speed benchmark (run by hand, not in CI): every dashboard page rendered under Streamlit's AppTest on
a city of 50 departments x 30 KPIs x 120 months (180,000 values, loaded through the real ingest into SQLite),
cold (all caches cleared) and warm (the same page again), against a trivial one-line page rendered the same
way in the same run as the baseline.

    python benchmarks/pages.py [--departments 50] [--kpis 30] [--months 120] [--repeat 3]

Goal: every page under 1.5 s cold and under 0.3 s warm.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _synthetic_city():
    """``synthetic_city`` of benchmarks/metrics.py (a file whose name shadows the metrics package)."""
    spec = importlib.util.spec_from_file_location("metrics_benchmark", ROOT / "benchmarks" / "metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_city

PAGES = {
    "overview": None,
    "scorecard": "louiestat/pages/scorecard.py",
    "kpi": "louiestat/pages/kpi.py",
    "upload": "louiestat/pages/upload.py",
    "manage": "louiestat/pages/manage.py",
}


def build_database(folder: Path, departments: int, kpis: int, months: int) -> str:
    """The synthetic city written as definitions and values CSVs and loaded through ``louiestat.ingest``."""
    from louiestat.db.engine import make_engine
    from louiestat.db.migrate import upgrade_to_head
    from louiestat.ingest import ingest

    observations, definitions, _ = _synthetic_city()(departments, kpis, months)
    definitions = definitions.assign(
        unit=np.where(definitions["unit"].isin(["count", "days", "hours", "minutes"]), definitions["unit"], "rate")
    )
    definitions[["department", "department_name", "kpi", "kpi_name", "unit", "direction", "target"]].to_csv(
        folder / "definitions.csv", index=False
    )
    values = observations.dropna(subset=["value"]).merge(definitions[["kpi_id", "department", "kpi"]], on="kpi_id")
    values = values.assign(value=values["value"].abs(), period=values["period"].dt.strftime("%Y-%m"))
    values[["department", "kpi", "period", "value"]].to_csv(folder / "values.csv", index=False)
    url = f"sqlite:///{folder / 'louiestat.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    for name in ("definitions.csv", "values.csv"):
        result = ingest(engine, folder / name, actor="benchmark")
        assert result.status == "committed", result.message
    engine.dispose()
    return url


def render_times(page: str | None, repeat: int) -> tuple[float, float]:
    """Best cold and best warm seconds for one page under AppTest."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(repeat):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        if page is not None:
            at.run()
            at.switch_page(page)
        st.cache_data.clear()
        start = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        assert not at.info or "No KPIs" not in at.info[0].value, "the page shows an empty city"
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return min(cold), min(warm)


def baseline_times(repeat: int) -> tuple[float, float]:
    """The same measurement for a page that only writes one line: AppTest's own cost."""
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(repeat):
        at = AppTest.from_string("import streamlit as st\nst.write('hello')")
        start = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return min(cold), min(warm)


def main() -> None:
    from louiestat.config import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--kpis", type=int, default=30)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        url = build_database(Path(tmp), args.departments, args.kpis, args.months)
        print(f"city: {args.departments} departments x {args.kpis} KPIs x {args.months} months, "
              f"loaded in {time.perf_counter() - start:.1f} s")
        os.environ["LOUIESTAT_DATABASE_URL"] = url
        get_settings.cache_clear()
        os.chdir(ROOT)
        base_cold, base_warm = baseline_times(args.repeat)
        print(f"{'baseline (one-line page)':26s} cold {base_cold:6.3f} s   warm {base_warm:6.3f} s")
        for name, page in PAGES.items():
            cold, warm = render_times(page, args.repeat)
            verdict = "ok" if cold < 1.5 and warm < 0.3 else "SLOW"
            print(f"{name:26s} cold {cold:6.3f} s ({cold / base_cold:5.1f}x)   warm {warm:6.3f} s "
                  f"({warm / base_warm:5.1f}x)   {verdict}")


if __name__ == "__main__":
    main()
