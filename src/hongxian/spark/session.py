"""A SparkSession for screening: master, the settings the engine relies on, and user conf."""

from __future__ import annotations

import os
import sys
from typing import Any

from hongxian.case import CaseError

ENGINE_CONF = {
    "spark.sql.session.timeZone": "Asia/Shanghai",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # case ids such as 2024001 stay strings
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.ansi.enabled": "false",
    "spark.python.worker.reuse": "true",
    "spark.ui.showConsoleProgress": "false",
}
"""What the engine's SQL and Arrow exchange assume (times in China time, string case ids, the
non-ANSI integer arithmetic DuckDB also uses); user conf may not change these."""
LOCAL_DEFAULTS = {"spark.sql.shuffle.partitions": "8", "spark.default.parallelism": "8"}


def parse_conf(items: list[str]) -> dict[str, str]:
    """``key=value`` pairs from ``--conf`` options."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CaseError(f"Spark 配置项格式应为 key=value：{item!r}")
        out[key.strip()] = value.strip()
    return out


def require_pyspark() -> Any:
    try:
        import pyspark
    except ImportError as exc:
        raise CaseError(
            "未安装 Spark 引擎：请安装可选组件 pip install 'hongxian[spark]'（需要 Java 17）"
        ) from exc
    return pyspark


def spark_session(master: str | None = None, conf: dict[str, str] | None = None, app: str = "hongxian"):
    """Get or create the session. ``master`` None keeps what spark-submit set (default local[*])."""
    require_pyspark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    settings: dict[str, str] = {}
    if (master or "local").startswith("local"):  # workers run this interpreter (its packages)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        settings = dict(LOCAL_DEFAULTS)
    settings |= conf or {}
    settings |= ENGINE_CONF
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    for key, value in ENGINE_CONF.items():  # an existing session (spark-submit) gets them too
        if key.startswith("spark.sql."):
            session.conf.set(key, value)
    return session
