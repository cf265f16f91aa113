"""Generate the LouieStat-style sample city: KPI definitions, monthly values and HR hiring records.

Usage: python louiestat/sample_data/generate.py [--out DIR]   (default DIR: the folder of this script)
The output is byte-identical on every run: fixed seed, no clock, fixed order and number formats.
"""

from __future__ import annotations

import argparse
import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2012
START, END = "2012-07", "2016-06"  # FY2013 through FY2016 (fiscal years run July-June)
PERIODS = [f"{2012 + (6 + i) // 12}-{(6 + i) % 12 + 1:02d}" for i in range(48)]
INDEX = {p: i for i, p in enumerate(PERIODS)}
HIGHER, LOWER = "higher_is_better", "lower_is_better"
DECIMALS = {"count": 0, "days": 1, "hours": 1, "minutes": 2, "percent": 1, "dollars": 0, "rate": 2}
RANGES = {"percent": (0.0, 100.0)}  # every other unit: (0, no maximum)
TIME_TO_FILL_TARGET = 60.0
# City-wide mean days to fill by month of filling: the old process peaks in spring 2013; the
# redesigned process starts July 2013 (FY2014) and the backlog clears by autumn.
TIME_TO_FILL = ((START, 200.0), ("2013-03", 262.0), ("2013-06", 262.0), ("2013-10", 76.0), (END, 74.0))
TIME_TO_FILL_SPREAD = 0.6  # lognormal sigma of days to fill per position
OPEN_PER_HIRE = 1.2  # positions still open at the end, per monthly hire of the department
OPEN_WINDOW_DAYS = 150  # open positions were posted within this many days of the end


@dataclass(frozen=True)
class Kpi:
    """One KPI: its definition plus the level path its monthly values are drawn around."""

    dept: str
    key: str
    name: str
    unit: str
    direction: str
    target: float | None
    path: tuple[tuple[str, float], ...]  # (period, level) knots, linear between; () = derived
    description: str
    cv: float = 0.05  # month-to-month noise as a fraction of the level
    season: float = 0.0  # seasonal amplitude as a fraction of the level
    peak: int = 1  # calendar month of the seasonal peak
    tol: float = 10.0
    aggregation: str = ""
    weight: float | None = None
    new_target: tuple[str, float] | None = None  # (first period it applies, target)
    skip: tuple[str, ...] = ()  # periods left unreported (gaps)
    enterprise: bool = False
    source: str = "reported"  # or "hiring": derived from the department's hiring records


@dataclass(frozen=True)
class Dept:
    """A department: enterprise KPI levels, hiring volume and how far it has reported."""

    slug: str
    name: str
    overtime: tuple[float, float, float]  # (July 2012 level, June 2016 level, target) hours/month
    sick: tuple[float, float, float]  # same for sick-leave hours per FTE
    injury: tuple[float, float, float]  # same for hours lost to work injuries
    hires: float  # mean positions filled per month
    fill: float  # department factor on the city-wide time to fill
    last: str = END  # last period reported


@dataclass(frozen=True)
class Event:
    """A notable month of one KPI: a multiplicative shock on its level and/or an analyst note."""

    dept: str
    kpi: str
    period: str
    factor: float
    note: str = ""


def ramp(start: float, end: float) -> tuple[tuple[str, float], ...]:
    """Level path moving linearly from `start` in July 2012 to `end` in June 2016."""
    return ((START, start), (END, end))


DEPTS = (
    Dept("hr", "Human Resources", overtime=(210, 190, 250), sick=(6.2, 5.6, 7.0),
         injury=(14, 12, 24), hires=4, fill=0.75),
    Dept("public_works", "Public Works & Assets", overtime=(8600, 8900, 7500), sick=(7.8, 7.4, 7.0),
         injury=(560, 470, 550), hires=8, fill=1.1),
    Dept("ems", "Emergency Medical Services", overtime=(5600, 6100, 5000), sick=(8.4, 8.2, 7.5),
         injury=(520, 470, 450), hires=6, fill=1.05),
    Dept("fire", "Louisville Fire", overtime=(11800, 11400, 10000), sick=(7.0, 6.7, 7.5),
         injury=(760, 820, 700), hires=6, fill=1.2),
    Dept("codes", "Codes & Regulations", overtime=(760, 700, 800), sick=(6.6, 6.3, 7.0),
         injury=(70, 60, 80), hires=4, fill=0.9),
    Dept("parks", "Parks & Recreation", overtime=(1500, 1490, 1400), sick=(6.9, 6.5, 7.0),
         injury=(210, 175, 180), hires=5, fill=0.9),
    Dept("library", "Louisville Free Public Library", overtime=(320, 300, 400), sick=(6.4, 6.0, 7.0),
         injury=(42, 38, 50), hires=4, fill=0.95, last="2016-05"),
    Dept("animal_services", "Metro Animal Services", overtime=(880, 860, 1000), sick=(7.4, 7.7, 7.0),
         injury=(125, 95, 100), hires=3, fill=1.0),
)

# Who reports each department's KPIs (owner_email), reminded when a value is late; EMS's and Fire's: the sample analyst.
OWNERS = {
    "hr": "hr.data@city.example", "public_works": "public.works.data@city.example", "ems": "analyst@city.example",
    "fire": "analyst@city.example", "codes": "codes.data@city.example", "parks": "parks.data@city.example",
    "library": "library.data@city.example", "animal_services": "animal.services.data@city.example",
}

TITLES = {  # job titles posted by each department
    "hr": ("HR Generalist", "Payroll Specialist", "Benefits Analyst", "Administrative Clerk"),
    "public_works": ("Equipment Operator", "Laborer", "Sanitation Tech", "Fleet Mechanic", "Signal Tech"),
    "ems": ("Paramedic", "EMT", "Emergency Dispatcher", "EMS Supervisor"),
    "fire": ("Firefighter Recruit", "Fire Inspector", "Apparatus Mechanic", "Fire Investigator"),
    "codes": ("Code Enforcement Officer", "Building Inspector", "Plans Examiner", "Permit Technician"),
    "parks": ("Park Maintenance Worker", "Recreation Leader", "Arborist", "Golf Course Attendant"),
    "library": ("Library Assistant", "Librarian", "Library Page", "Branch Manager"),
    "animal_services": ("Animal Care Technician", "Animal Control Officer", "Veterinary Technician"),
}

ENTERPRISE = (  # the same definition in every department; levels and targets come from Dept
    Kpi("", "overtime_hours", "Unscheduled overtime hours", "hours", LOWER, None, (),
        "Overtime hours worked that were not scheduled in advance.", cv=0.06, aggregation="sum",
        enterprise=True),
    Kpi("", "sick_leave_hours_per_fte", "Sick-leave hours per FTE", "hours", LOWER, None, (),
        "Sick-leave hours used per full-time-equivalent employee.", cv=0.05, season=0.04,
        aggregation="mean", enterprise=True),
    Kpi("", "injury_hours_lost", "Hours lost to work injuries", "hours", LOWER, None, (),
        "Work hours lost to on-the-job injuries.", cv=0.2, aggregation="sum", enterprise=True),
    Kpi("", "time_to_fill", "Time to fill vacancies", "days", LOWER, TIME_TO_FILL_TARGET, (),
        "Mean days from posting to filling, by month filled; derived from hiring records.",
        aggregation="mean", enterprise=True, source="hiring"),
)

KPIS = (
    Kpi("hr", "requisitions_posted_5day_pct", "Requisitions posted within 5 days", "percent", HIGHER, 90,
        ((START, 55), ("2013-06", 56), ("2013-07", 86), (END, 94)),
        "Share of approved requisitions posted within 5 business days.", cv=0.02),
    Kpi("hr", "onboarding_days", "Days to onboard a new hire", "days", LOWER, 10, ramp(11, 10.5),
        "Average days from offer acceptance to first day on payroll.", cv=0.05),
    Kpi("hr", "performance_reviews_pct", "Performance reviews completed", "percent", HIGHER, 95, ramp(86, 86),
        "Share of employees with a completed annual performance review.", cv=0.025),
    Kpi("hr", "turnover_rate", "Monthly turnover", "percent", LOWER, 1.0, ramp(1.2, 1.35),
        "Separations in the month as a share of headcount.", cv=0.08, tol=15),
    Kpi("hr", "grievances_filed", "Grievances filed", "count", LOWER, 12, ramp(12, 9),
        "Formal grievances filed by employees or unions.", cv=0.1, tol=20),
    Kpi("hr", "training_hours", "Training hours delivered", "hours", HIGHER, 3000, ramp(2900, 3250),
        "Employee training hours delivered by the training academy.", cv=0.06, season=0.08, peak=10),
    Kpi("public_works", "pothole_requests", "Pothole service requests", "count", LOWER, 900, ramp(950, 850),
        "Pothole requests received through MetroCall 311.", cv=0.1, season=0.2, peak=2),
    Kpi("public_works", "potholes_filled_3day_pct", "Potholes filled within 3 days", "percent", HIGHER, 80,
        ((START, 64), ("2014-09", 63), ("2015-06", 88), (END, 91.5)),
        "Share of pothole requests closed within 3 business days.", cv=0.012, weight=2,
        new_target=("2014-07", 90)),
    Kpi("public_works", "missed_collections", "Missed garbage collections", "count", LOWER, 400,
        ramp(480, 470), "Missed residential garbage and recycling pickups reported.", cv=0.06),
    Kpi("public_works", "recycling_diversion_pct", "Recycling diversion rate", "percent", HIGHER, 25,
        ramp(22.5, 23.8), "Share of residential waste tonnage diverted to recycling.", cv=0.03),
    Kpi("public_works", "graffiti_removed_5day_pct", "Graffiti removed within 5 days", "percent", HIGHER, 90,
        ramp(91, 93), "Share of graffiti requests cleaned within 5 business days.", cv=0.02),
    Kpi("public_works", "fleet_availability_pct", "Fleet availability", "percent", HIGHER, 92, ramp(89, 85.5),
        "Share of fleet vehicles in service and not awaiting repair.", cv=0.015, tol=5),
    Kpi("ems", "response_time", "Response time, priority 1", "minutes", LOWER, 9.0,
        ((START, 10.4), ("2014-02", 10.4), ("2014-03", 8.6), (END, 8.7)),
        "Average minutes from call received to unit on scene, priority 1 calls.", cv=0.025, weight=2,
        new_target=("2014-07", 8.5)),
    Kpi("ems", "calls_answered_90s_pct", "Calls dispatched within 90 seconds", "percent", HIGHER, 90,
        ((START, 82), ("2014-02", 83), ("2014-03", 91), (END, 93)),
        "Share of priority 1 calls dispatched within 90 seconds of answer.", cv=0.015),
    Kpi("ems", "cardiac_arrest_rosc_pct", "Cardiac arrest ROSC", "percent", HIGHER, 30, ramp(28, 31.5),
        "Share of cardiac arrest patients with return of spontaneous circulation.", cv=0.07, tol=15),
    Kpi("ems", "hospital_offload_minutes", "Hospital offload time", "minutes", LOWER, 20, ramp(22, 27),
        "Average minutes from arrival at hospital to patient handover.", cv=0.05),
    Kpi("ems", "patient_satisfaction_pct", "Patient satisfaction", "percent", HIGHER, 90, ramp(91, 92.5),
        "Share of surveyed patients rating their care good or excellent.", cv=0.012),
    Kpi("ems", "billing_collections", "Ambulance billing collections", "dollars", HIGHER, 1_800_000,
        ramp(1_700_000, 1_700_000), "Ambulance transport fees collected.", cv=0.03),
    Kpi("fire", "fire_inspections", "Fire code inspections", "count", HIGHER, 1200, ramp(1150, 1320),
        "Fire code inspections of commercial and multifamily buildings.", cv=0.06),
    Kpi("fire", "residential_fire_deaths", "Residential fire deaths", "count", LOWER, 0, ramp(0.5, 0.3),
        "Civilian deaths in residential structure fires.", cv=0.05, season=0.5, peak=1, tol=0),
    Kpi("fire", "travel_time_4min_pct", "Responses with travel time under 4 minutes", "percent", HIGHER, 90,
        ramp(82, 84), "Share of emergency responses with first-unit travel time under 4 minutes.", cv=0.015),
    Kpi("fire", "smoke_alarms_installed", "Smoke alarms installed", "count", HIGHER, 250, ramp(260, 320),
        "Free smoke alarms installed in homes.", cv=0.1, season=0.2, peak=10, tol=15),
    Kpi("fire", "structure_fire_rate", "Structure fires per 10,000 residents", "rate", LOWER, 0.9,
        ramp(1.0, 0.92), "Structure fires per 10,000 residents.", cv=0.08, season=0.12, peak=1),
    Kpi("fire", "hydrants_inspected", "Hydrants inspected", "count", HIGHER, 2000, ramp(1800, 1850),
        "Fire hydrants inspected and flow-tested.", cv=0.1, season=0.1, peak=7),
    Kpi("codes", "building_permits_issued", "Building permits issued", "count", HIGHER, 550, ramp(560, 600),
        "Residential and commercial building permits issued.", cv=0.08, season=0.12, peak=5),
    Kpi("codes", "permit_days", "Days to issue a building permit", "days", LOWER, 10, ramp(12.5, 8.4),
        "Average days from complete application to permit issued.", cv=0.05, new_target=("2014-07", 8)),
    Kpi("codes", "property_inspections", "Property maintenance inspections", "count", HIGHER, 4000,
        ramp(3600, 3300), "Property maintenance inspections completed.", cv=0.05),
    Kpi("codes", "open_cases", "Open code enforcement cases", "count", LOWER, 6000, ramp(8200, 6300),
        "Code enforcement cases open at month end.", cv=0.025, aggregation="last"),
    Kpi("codes", "vacant_lots_cleaned", "Vacant lots cleaned", "count", HIGHER, 300, ramp(260, 300),
        "Vacant and abandoned lots cleaned and cut.", cv=0.1, season=0.15, peak=7),
    Kpi("codes", "complaint_response_days", "Days to first inspection of a complaint", "days", LOWER, 7,
        ramp(7, 6.2), "Average days from citizen complaint to first inspection.", cv=0.05, skip=("2014-10",)),
    Kpi("parks", "program_participation", "Program participation", "count", HIGHER, 30000, ramp(26000, 29000),
        "Participants in recreation, fitness and camp programs.", cv=0.06, season=0.3, peak=7),
    Kpi("parks", "mowing_cycle_days", "Mowing cycle", "days", LOWER, 14, ramp(16, 15.4),
        "Average days between mowings of park turf in season.", cv=0.03, tol=15),
    Kpi("parks", "work_orders_completed_pct", "Maintenance work orders completed", "percent", HIGHER, 85,
        ramp(80, 82), "Share of maintenance work orders completed in the month.", cv=0.02),
    Kpi("parks", "shelter_reservations", "Picnic shelter reservations", "count", HIGHER, 250, ramp(220, 240),
        "Picnic shelter and facility reservations booked.", cv=0.1, season=0.25, peak=6),
    Kpi("parks", "volunteer_hours", "Volunteer hours", "hours", HIGHER, 5000, ramp(4000, 4400),
        "Hours contributed by park volunteers.", cv=0.08, season=0.2, peak=5),
    Kpi("parks", "golf_revenue", "Golf course revenue", "dollars", HIGHER, 400_000, ramp(260_000, 240_000),
        "Green fees and cart rentals at municipal golf courses.", cv=0.08, season=0.4, peak=7),
    Kpi("library", "visits", "Library visits", "count", HIGHER, None, ramp(410_000, 380_000),
        "Door-count visits to all library branches.", cv=0.04, season=0.08, peak=7),
    Kpi("library", "circulation", "Circulation", "count", HIGHER, None, ramp(500_000, 520_000),
        "Physical and digital items checked out.", cv=0.04, season=0.06, peak=7),
    Kpi("library", "program_attendance", "Program attendance", "count", HIGHER, 20000, ramp(17000, 20000),
        "Attendance at library programs and story times.", cv=0.08, season=0.2, peak=7),
    Kpi("library", "computer_sessions", "Public computer sessions", "count", HIGHER, 60000,
        ramp(65000, 52000), "Public computer and wifi sessions.", cv=0.04),
    Kpi("library", "new_library_cards", "New library cards", "count", HIGHER, 3000, ramp(2800, 3100),
        "New library card registrations.", cv=0.08, season=0.2, peak=8),
    Kpi("library", "holds_filled_days", "Days to fill a hold", "days", LOWER, 5, ramp(5.3, 4.6),
        "Average days from hold placed to item ready for pickup.", cv=0.05),
    Kpi("animal_services", "live_release_rate", "Live release rate", "percent", HIGHER, 80,
        ((START, 52), ("2014-06", 75), (END, 87.5)),
        "Share of animals leaving the shelter alive (adopted, returned or transferred).", cv=0.02,
        new_target=("2014-07", 85)),
    Kpi("animal_services", "intake", "Animal intake", "count", LOWER, None, ramp(1000, 800),
        "Animals taken into the shelter.", cv=0.05, season=0.12, peak=7),
    Kpi("animal_services", "adoptions", "Adoptions", "count", HIGHER, 600, ramp(500, 570),
        "Animals adopted from the shelter and adoption partners.", cv=0.05),
    Kpi("animal_services", "licenses_sold", "Pet licenses sold", "count", HIGHER, 7000, ramp(6000, 5900),
        "Dog and cat licenses sold or renewed.", cv=0.05),
    Kpi("animal_services", "priority_response_hours", "Priority call response", "hours", LOWER, 2.0,
        ramp(2.2, 1.8), "Average hours to respond to priority animal control calls.", cv=0.06),
    Kpi("animal_services", "return_to_owner_pct", "Returned to owner", "percent", HIGHER, 20, ramp(17, 19.5),
        "Share of stray animals returned to their owners.", cv=0.03),
)

EVENTS = (
    Event("hr", "requisitions_posted_5day_pct", "2013-07", 1.0,
          "Hiring freeze lifted; redesigned hiring process live"),
    Event("public_works", "overtime_hours", "2014-01", 2.6, "Polar vortex: snow and ice overtime"),
    Event("fire", "overtime_hours", "2014-01", 1.9, "Polar vortex: frozen hydrants, extra companies staffed"),
    Event("public_works", "pothole_requests", "2014-02", 1.9, "Freeze-thaw after the polar vortex"),
    Event("ems", "response_time", "2014-03", 1.0, "New CAD dispatch system live"),
    Event("public_works", "potholes_filled_3day_pct", "2014-10", 1.0,
          "Dedicated pothole rapid-response crews start"),
    Event("animal_services", "adoptions", "2014-12", 1.7, "Home for the Holidays fee-waived adoption event"),
    Event("codes", "complaint_response_days", "2014-11", 1.0, "No October figure: case system migration"),
    Event("ems", "sick_leave_hours_per_fte", "2015-01", 1.6, "Flu outbreak (H3N2 season)"),
    Event("fire", "sick_leave_hours_per_fte", "2015-01", 1.5),
    Event("library", "visits", "2015-02", 0.7, "Main Library closed 10 days for HVAC replacement"),
    Event("codes", "building_permits_issued", "2015-03", 1.6,
          "Permit fee increase April 1: applications pulled forward"),
    Event("parks", "golf_revenue", "2015-05", 0.75, "Heavy rain: courses closed 9 days"),
)


# Known changes in how the work is done: the SPC limits of these KPIs start afresh there.
PROCESS_CHANGES = (
    ("hr", "requisitions_posted_5day_pct", "2013-07", "Redesigned hiring process live"),
    ("ems", "response_time", "2014-03", "New CAD dispatch system live"),
    ("ems", "calls_answered_90s_pct", "2014-03", "New CAD dispatch system live"),
)


def process_changes() -> pd.DataFrame:
    """The process changes as a process-changes upload file."""
    return pd.DataFrame(PROCESS_CHANGES, columns=["department", "kpi", "period", "reason"])


def fixed(value: float, unit: str) -> str:
    """Format a monthly value with the fixed number of decimals for its unit."""
    return f"{value:.{DECIMALS[unit]}f}"


def plain(value: float | None) -> str:
    """Format an optional parameter without trailing zeros ('' for None)."""
    if value is None:
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def valid_range(unit: str) -> tuple[float, float | None]:
    """Valid (min, max) for a unit: 0-100 for percent, non-negative otherwise."""
    return RANGES.get(unit, (0.0, None))


def path_levels(path: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Interpolate (period, level) knots linearly over the 48 months."""
    return np.interp(np.arange(len(PERIODS)), [INDEX[p] for p, _ in path], [v for _, v in path])


def all_kpis() -> list[Kpi]:
    """Every KPI in department order: department-specific ones first, then the enterprise four."""
    overtime, sick, injury, time_to_fill = ENTERPRISE
    kpis = []
    for dept in DEPTS:
        kpis += [k for k in KPIS if k.dept == dept.slug]
        measured = ((overtime, dept.overtime), (sick, dept.sick), (injury, dept.injury))
        for proto, (start, end, target) in measured:
            kpis.append(replace(proto, dept=dept.slug, target=target, path=ramp(start, end)))
        kpis.append(replace(time_to_fill, dept=dept.slug))
    return kpis


def simulate(kpi: Kpi, rng: np.random.Generator) -> np.ndarray:
    """Draw 48 monthly values: level path x seasonality x event shocks x noise, clipped to range."""
    months = (np.arange(len(PERIODS)) + 6) % 12 + 1
    level = path_levels(kpi.path) * (1 + kpi.season * np.cos(2 * np.pi * (months - kpi.peak) / 12))
    for event in EVENTS:
        if (event.dept, event.kpi) == (kpi.dept, kpi.key):
            level[INDEX[event.period]] *= event.factor
    value = level * (1 + kpi.cv * rng.standard_normal(len(PERIODS)))
    if kpi.unit == "count":
        value = rng.poisson(np.clip(value, 0, None)).astype(float)
    low, high = valid_range(kpi.unit)
    return np.clip(np.round(value, DECIMALS[kpi.unit]), low, high)


def definitions(kpis: list[Kpi]) -> pd.DataFrame:
    """One definitions.csv row per KPI."""
    names = {d.slug: d.name for d in DEPTS}
    return pd.DataFrame([{
        "department": k.dept, "department_name": names[k.dept], "kpi": k.key, "kpi_name": k.name,
        "unit": k.unit, "direction": k.direction, "target": plain(k.target), "tolerance_pct": plain(k.tol),
        "description": k.description, "aggregation": k.aggregation,
        "min_value": plain(valid_range(k.unit)[0]), "max_value": plain(valid_range(k.unit)[1]),
        "enterprise": str(k.enterprise).lower(), "weight": plain(k.weight), "source": k.source,
        "owner_email": OWNERS[k.dept] if k.source == "reported" else "",
    } for k in kpis])


def values(kpis: list[Kpi], rng: np.random.Generator) -> pd.DataFrame:
    """One values.csv row per reported KPI-month (derived KPIs, gaps and unreported months omitted).

    Each KPI draws from its own child stream, so retuning one KPI leaves the others unchanged.
    """
    last = {d.slug: INDEX[d.last] for d in DEPTS}
    notes = {(e.dept, e.kpi, e.period): e.note for e in EVENTS}
    rows = []
    for kpi, stream in zip(kpis, rng.spawn(len(kpis))):
        if not kpi.path:
            continue
        series = simulate(kpi, stream)
        for i, period in enumerate(PERIODS[: last[kpi.dept] + 1]):
            if period in kpi.skip:
                continue
            target = kpi.new_target[1] if kpi.new_target and kpi.new_target[0] == period else None
            rows.append({"department": kpi.dept, "kpi": kpi.key, "period": period,
                         "value": fixed(series[i], kpi.unit), "target": plain(target),
                         "note": notes.get((kpi.dept, kpi.key, period), "")})
    return pd.DataFrame(rows)


def random_day(period: str, rng: np.random.Generator) -> date:
    """A uniformly random day within a YYYY-MM period."""
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, int(rng.integers(1, calendar.monthrange(year, month)[1] + 1)))


def vacancies(dept: Dept, rng: np.random.Generator) -> list[dict[str, str]]:
    """Filled positions by month of filling (lognormal days to fill) plus positions still open."""
    mean_days = path_levels(TIME_TO_FILL) * dept.fill
    rows = []
    for i, period in enumerate(PERIODS):
        mu = np.log(mean_days[i]) - TIME_TO_FILL_SPREAD**2 / 2
        for days in rng.lognormal(mu, TIME_TO_FILL_SPREAD, rng.poisson(dept.hires)):
            filled = random_day(period, rng)
            posted = filled - timedelta(days=max(10, int(np.rint(days))))
            rows.append({"department": dept.slug, "title": str(rng.choice(TITLES[dept.slug])),
                         "posted_date": posted.isoformat(), "filled_date": filled.isoformat()})
    end = date(2016, 6, 30)
    for age in rng.integers(0, OPEN_WINDOW_DAYS, rng.poisson(dept.hires * OPEN_PER_HIRE)):
        rows.append({"department": dept.slug, "title": str(rng.choice(TITLES[dept.slug])),
                     "posted_date": (end - timedelta(days=int(age))).isoformat(), "filled_date": ""})
    return rows


def hiring(rng: np.random.Generator) -> pd.DataFrame:
    """All vacancies with position ids HR-<posting year>-<sequence>, numbered city-wide by posting date."""
    order = {d.slug: i for i, d in enumerate(DEPTS)}
    rows = sorted((r for d, stream in zip(DEPTS, rng.spawn(len(DEPTS))) for r in vacancies(d, stream)),
                  key=lambda r: (r["posted_date"], order[r["department"]], r["filled_date"]))
    sequence: dict[str, int] = {}
    for row in rows:
        year = row["posted_date"][:4]
        sequence[year] = sequence.get(year, 0) + 1
        row["position_id"] = f"HR-{year}-{sequence[year]:04d}"
    rows.sort(key=lambda r: (order[r["department"]], r["position_id"]))
    return pd.DataFrame(rows, columns=["department", "position_id", "title", "posted_date", "filled_date"])


def write(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame of pre-formatted strings as UTF-8 CSV with LF line endings."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def main() -> None:
    """Parse --out and write definitions.csv, values.csv, hiring.csv and process_changes.csv."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output folder")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    kpis = all_kpis()
    write(definitions(kpis), out / "definitions.csv")
    write(values(kpis, rng), out / "values.csv")
    write(hiring(rng), out / "hiring.csv")
    write(process_changes(), out / "process_changes.csv")


if __name__ == "__main__":
    main()
