"""The Spark engine: the same checks as the embedded DuckDB engine, run on a Spark cluster.

`screen --engine spark` reads canonical tables partitioned by case (`source`), screens every case
with the same detectors (`run`, executor-side functions in `tasks`, the payment typologies as Spark
SQL through `sqlcon`) and writes the same ``findings.jsonl`` per case. PySpark is an optional
dependency (``pip install 'hongxian[spark]'``): nothing here imports it at module import time.
"""

from __future__ import annotations

from hongxian.spark.source import CASE_COLUMN, export_cases, write_canonical

__all__ = ["CASE_COLUMN", "export_cases", "write_canonical"]
