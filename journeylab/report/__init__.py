"""Report layer: what reaches a reader: report runs (Papermill, nbconvert, PDF), the page and its escaping,
tables, plots, exports, sections and the teaching helpers. Imports the layers below, never an engine above
(journeylab.spark): a report asks journeylab.data.engines for one.

``journeylab.report.run_report`` and friends are journeylab.report.run's.
"""
from journeylab.report.run import ReportResult, export_html, record, run_batch, run_report

__all__ = ["ReportResult", "export_html", "record", "run_batch", "run_report"]
