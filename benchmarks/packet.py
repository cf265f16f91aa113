"""Briefing packet benchmark (run by hand, not in CI): the packet of a 10-item agenda (every KPI of the sample
city's EMS, each with its chart) on the sample city in SQLite, cold and warm, each against a baseline measured
in the same run.

    python benchmarks/packet.py [--repeat 3]

- cold: a new process that imports louiestat, starts Chromium, draws the 10 charts and typesets the PDF, against
  a new process that only starts Chromium through kaleido and draws one empty figure (the browser's start, which
  no packet can avoid);
- warm: the same packet again in a process whose Chromium is already open (``ChartRenderer``), against drawing
  the same 10 charts alone in that browser (the rest is reading the data and typesetting);
- the 10 charts as SVG (what the packet uses) and as PNG at twice the print size: time and bytes.

It prints the machine's load average too: on the shared 2-core development machine the figures move with it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = "2016-06"
DEPARTMENT = "ems"


def sample_city(folder: Path) -> str:
    """An SQLite database in ``folder`` holding the sample city; its URL."""
    from louiestat.db.engine import make_engine
    from louiestat.db.migrate import upgrade_to_head
    from louiestat.sample_city import load_files

    url = f"sqlite:///{folder / 'louiestat.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    assert all(result.status == "committed" for result in load_files(engine, "benchmark"))
    engine.dispose()
    return url


def ten_items(engine):
    """A briefing whose agenda is every KPI of EMS (10), worst score first, each with its scorecard sentence."""
    import pandas as pd

    from louiestat.meetings.briefing import AgendaItem, Briefing
    from louiestat.reading import views

    card = views.city_scorecard(views.City.load(engine), pd.Timestamp(f"{AS_OF}-01"), 7)
    mine = card[card["department"] == DEPARTMENT].sort_values("score_month")
    return Briefing(
        department=DEPARTMENT, department_name=mine["department_name"].iloc[0], as_of=AS_OF,
        title="LouieStat, June 2016", date=dt.date(2016, 7, 14), attendees=["Chief of staff", "EMS director"],
        items=[AgendaItem(kind="off_target" if row.status == "off_target" else "topic", kpi=row.kpi,
                          title=row.kpi_name, reason=row.explanation, question="What will change?")
               for row in mine.itertuples()],
    )


def figures(engine, briefing):
    """The packet's 10 charts, built by the pages' ``detail_chart`` as the packet builds them."""
    import pandas as pd

    from louiestat.presentation import charts
    from louiestat.reading import views

    city = views.City.load(engine)
    as_of = pd.Timestamp(f"{AS_OF}-01")
    kpis = city.kpis.set_index("kpi")
    shown = []
    for item in briefing.items:
        row = kpis[kpis["department"] == DEPARTMENT].loc[item.kpi]
        detail = views.kpi_detail(city, int(row["kpi_id"]), as_of)
        shown.append(charts.detail_chart(detail, for_print=True))
    return shown


async def svg_against_png(shown: list, repeat: int) -> dict[str, tuple[float, int]]:
    """Best time and total bytes of the charts drawn as SVG (at print size) and as PNG (at twice it), in one
    browser, alternating formats so that both see the same machine."""
    import kaleido

    from louiestat.packet.chart_images import PRINT_WIDTH_PX, chromium_path

    options = {"svg": {"format": "svg"}, "png": {"format": "png", "scale": 2}}
    results: dict[str, tuple[float, int]] = {name: (float("inf"), 0) for name in options}
    async with kaleido.Kaleido(n=1, path=chromium_path(), mathjax=False) as browser:
        for _ in range(repeat):
            for name, extra in options.items():
                start = time.perf_counter()
                images = [await browser.calc_fig(figure, opts={"width": PRINT_WIDTH_PX, "height": figure.layout.height,
                                                               **extra}) for figure in shown]
                results[name] = (min(results[name][0], time.perf_counter() - start), sum(map(len, images)))
    return results


def child(mode: str, url: str, out: str) -> None:
    """What a new process does: the whole packet, or only Chromium's start and one empty figure."""
    if mode == "packet":
        from louiestat.db.engine import make_engine
        from louiestat.packet import packet_pdf
        from louiestat.reading import views

        engine = make_engine(url)
        Path(out).write_bytes(packet_pdf(views.City.load(engine), ten_items(engine)))
    else:
        import plotly.graph_objects as go

        from louiestat.packet import ChartRenderer

        with ChartRenderer() as renderer:
            renderer.svg(go.Figure())


def fresh_process(mode: str, url: str, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", mode, url, str(out)], cwd=ROOT, check=True)
    return time.perf_counter() - start


def best(seconds: list[float]) -> str:
    return f"best {min(seconds):6.2f} s, median {statistics.median(seconds):6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from louiestat.db.engine import make_engine
    from louiestat.packet import ChartRenderer, packet_pdf
    from louiestat.reading import views

    with tempfile.TemporaryDirectory(prefix="louiestat-packet-bench-") as folder:
        url = sample_city(Path(folder))
        out = Path(folder) / "packet.pdf"
        cold = [fresh_process("packet", url, out) for _ in range(args.repeat)]
        size = out.stat().st_size
        browser = [fresh_process("browser", url, out) for _ in range(args.repeat)]
        engine = make_engine(url)
        briefing = ten_items(engine)
        shown = figures(engine, briefing)
        with ChartRenderer() as renderer:
            packet_pdf(views.City.load(engine), briefing, renderer)  # warms the browser's page and plotly.js
            warm, charts_alone = [], []
            for _ in range(args.repeat):
                start = time.perf_counter()
                packet_pdf(views.City.load(engine), briefing, renderer)  # reading the data included, as in the CLI
                warm.append(time.perf_counter() - start)
                start = time.perf_counter()
                for figure in shown:
                    renderer.svg(figure)
                charts_alone.append(time.perf_counter() - start)
        formats = asyncio.run(svg_against_png(shown, args.repeat))
        engine.dispose()

    print(f"packet of {len(briefing.items)} items ({size / 1024:,.0f} KB PDF), {args.repeat} runs each")
    print(f"cold  packet, new process      {best(cold)}")
    print(f"      baseline: Chromium start {best(browser)}   packet {min(cold) / min(browser):4.1f}x the baseline")
    print(f"warm  packet, browser open     {best(warm)}")
    print(f"      baseline: the 10 charts  {best(charts_alone)}   packet {min(warm) / min(charts_alone):4.1f}x "
          f"the baseline (the rest: data and typesetting, {min(warm) - min(charts_alone):.2f} s)")
    (svg, svg_bytes), (png, png_bytes) = formats["svg"], formats["png"]
    print(f"the 10 charts as SVG {svg:5.2f} s, {svg_bytes / 1024:5,.0f} KB; as PNG at 2x {png:5.2f} s, "
          f"{png_bytes / 1024:5,.0f} KB: PNG takes {png / svg:.2f}x the time and {png_bytes / svg_bytes:.1f}x the bytes")
    print("load average (1, 5, 15 min): " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
