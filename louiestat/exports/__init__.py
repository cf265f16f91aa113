"""Data out: upload-format CSV exports, values templates, scorecard downloads, spreadsheet-safe text and the
open-data feed."""
