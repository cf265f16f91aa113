"""Uploading CSV files: definitions, monthly values and hiring records, all-or-nothing.

    from louiestat.ingest import ingest
    result = ingest(engine, "values.csv", dry_run=True)
    print(result.message)
"""

from louiestat.ingest.kinds import KINDS, Kind, KindName
from louiestat.ingest.problems import Problem
from louiestat.ingest.upload import UploadResult, ingest

__all__ = ["KINDS", "Kind", "KindName", "Problem", "UploadResult", "ingest"]
