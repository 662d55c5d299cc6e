"""One local[2] Spark session for every Spark test (start-up takes seconds)."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="PySpark is not installed (pip install 'hongxian[spark]')")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH (Debian: apt-get install openjdk-17-jre-headless)")
    from hongxian.spark.session import spark_session

    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


@pytest.fixture(scope="session")
def rules():
    from hongxian.detect import default_registry
    from hongxian.rulebook.loader import load_rulebook

    registry = default_registry()
    return registry, load_rulebook(registry.params_models())
