"""Page speed benchmark (run by hand, not in CI): every dashboard page rendered under Streamlit's AppTest on
a city of 50 departments x 30 KPIs x 120 months (180,000 values, loaded through the real ingest into SQLite),
cold (all caches cleared) and warm (the same page again), against a trivial one-line page rendered the same
way in the same run as the baseline.

It also times the first page after server start: ``streamlit run app.py`` started as a subprocess on the
sample city, from the start of the process until the overview's city score is drawn in Chromium (and until the
whole page is sent), against two baselines started and drawn the same way in the same run: a one-line page, and
a page with the overview's kinds of element (title, select box, metric, page link, table, chart) and no data.

    python benchmarks/pages.py [--departments 50] [--kpis 30] [--months 120] [--repeat 3] [--startup-only]

Goal: every page under 1.5 s cold and under 0.3 s warm; the first page after start under 3 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from louiestat.sample_city import SAMPLE_ACCOUNTS


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
    from louiestat.access.users import add_user
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
    add_user(engine, BENCH_ADMIN, "admin", by="benchmark")
    engine.dispose()
    return url


def render_times(page: str | None, repeat: int) -> tuple[float, float]:
    """Best cold and best warm seconds for one page under AppTest."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(repeat):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        at.user = {"email": BENCH_ADMIN, "is_logged_in": True}
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BENCH_ADMIN = "bench@city.example"  # signed in (as st.user) for the AppTest runs, so every page is there
# A baseline page with the overview's kinds of element and no data: the JavaScript a browser loads and runs for
# them (the chart and table bundles are several megabytes) is Streamlit's, whatever the page computes.
SAME_ELEMENTS = """import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.title("City overview")
st.selectbox("Month", ["October 2026"])
st.metric("City score", "1.02", "+0.01", border=True)
st.page_link("https://example.org", label="Open")
st.dataframe(pd.DataFrame({"KPI": ["Response time"], "Value": [8.9]}))
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))
"""
# A visitor reads the overview for a moment before opening another page.
READING_SECONDS = 3
# Each page's first visit after the overview: a path and what shows that its content is drawn.
LATER_PAGES = {
    "scorecard": ("/scorecard?department=ems", '[data-testid="stDataFrame"]'),
    "kpi": ("/kpi?department=ems&kpi=response_time", '[data-testid="stMetric"]'),
    "upload": ("/upload", '[data-testid="stFileUploader"]'),
    "manage": ("/manage", '[data-testid="stDataFrame"]'),
}


def _drawn(page, url: str, ready: str, began: float) -> tuple[float, float]:
    """Open ``url`` in a fresh session; the seconds since ``began`` until ``ready`` shows, and until Streamlit has
    also finished the script (every element sent; charts may still be drawing)."""
    page.goto(url, wait_until="commit")
    page.wait_for_selector(ready, timeout=120_000)
    shown = time.perf_counter() - began
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    return shown, time.perf_counter() - began


def first_page_seconds(browser, script: Path, env: dict[str, str], ready: str,
                       later: dict[str, tuple[str, str]] | None = None) -> tuple[tuple[float, float], dict[str, float]]:
    """Seconds from starting ``streamlit run script`` until the page shows ``ready`` (a CSS selector), and until
    Streamlit has also finished running the script, in an already open Chromium; then the seconds each of the
    ``later`` pages takes on its first visit, each in a new session as a new visitor would open it, starting
    ``READING_SECONDS`` after the first page is drawn."""
    port = _free_port()
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if server.poll() is not None or time.perf_counter() - start > 120:
                    raise RuntimeError(f"streamlit run {script.name} did not start") from None
                time.sleep(0.02)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        first = _drawn(page, url, ready, start)
        page.close()
        times = {}
        if later:
            time.sleep(READING_SECONDS)
        for name, (path, shown) in (later or {}).items():
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            email, _, _, password = SAMPLE_ACCOUNTS[0]  # the sample admin: Upload and Manage need a sign-in
            context.request.post(f"{url}/auth/sign-in", form={"email": email, "password": password},
                                 headers={"Origin": url})
            page = context.new_page()
            times[name] = _drawn(page, url + path, shown, time.perf_counter())[1]
            context.close()
        return first, times
    finally:
        server.terminate()
        server.wait(timeout=20)


def startup_times(repeat: int) -> None:
    """The first overview after ``streamlit run`` on the sample city against a one-line page, best and worst."""
    from playwright.sync_api import sync_playwright

    from louiestat.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        env = {**os.environ, "LOUIESTAT_DATABASE_URL": f"sqlite:///{folder / 'sample.db'}", "LOUIESTAT_PUBLIC_MODE": "1"}
        os.environ["LOUIESTAT_DATABASE_URL"] = env["LOUIESTAT_DATABASE_URL"]
        from louiestat.config import get_settings

        get_settings.cache_clear()
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                cli(["init", "--sample"])
            finally:
                sys.stdout = stdout
        baseline = folder / "hello.py"
        baseline.write_text("import streamlit as st\nst.write('hello')\n")
        elements = folder / "elements.py"
        elements.write_text(SAME_ELEMENTS)
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        hello, same, overview, later = [], [], [], {name: [] for name in LATER_PAGES}
        for _ in range(repeat):
            hello.append(first_page_seconds(browser, baseline, env, "text=hello")[0])
            same.append(first_page_seconds(browser, elements, env, '[data-testid="stMetric"]')[0])
            seconds, times = first_page_seconds(browser, ROOT / "app.py", env, '[data-testid="stMetric"]', LATER_PAGES)
            overview.append(seconds)
            for name, value in times.items():
                later[name].append(value)
        browser.close()
    shown, finished = [seconds[0] for seconds in overview], [seconds[1] for seconds in overview]
    hello, same = [seconds[1] for seconds in hello], [seconds[0] for seconds in same]
    print(f"{'first page after start':26s} one-line page {min(hello):5.2f}-{max(hello):5.2f} s   "
          f"the overview's kinds of element, no data {min(same):5.2f}-{max(same):5.2f} s")
    print(f"{'':26s} overview (sample city): city score shown {min(shown):5.2f}-{max(shown):5.2f} s "
          f"{'ok' if max(shown) < 3 else 'SLOW'}, whole page sent {min(finished):5.2f}-{max(finished):5.2f} s "
          f"{'ok' if max(finished) < 3 else 'SLOW'}")
    print(f"{'then each first visit':26s} " + "   ".join(
        f"{name} {min(values):4.2f}-{max(values):4.2f} s" for name, values in later.items()))


def main() -> None:
    from louiestat.config import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--kpis", type=int, default=30)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--startup-only", action="store_true", help="only the first page after server start")
    args = parser.parse_args()
    startup_times(args.repeat)
    if args.startup_only:
        return
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
