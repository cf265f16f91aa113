"""LouieStat: monthly KPI reporting, scorecards and stat meetings for city departments."""

__version__ = "0.1.0"
