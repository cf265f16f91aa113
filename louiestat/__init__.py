"""LouieStat: monthly KPI reporting, targets, scorecards and statistical process control for city departments."""

__version__ = "0.1.0"
