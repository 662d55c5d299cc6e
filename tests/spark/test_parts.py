"""The Spark engine's parts that need no Spark: options, SQL spelling, input kinds, the import file."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from hongxian.case import CaseError
from hongxian.spark.engine import is_uri, run_info_path
from hongxian.spark.payments import to_spark_sql
from hongxian.spark.session import parse_conf
from hongxian.spark.source import check_case_id, write_canonical


def test_conf_pairs_and_bad_ones() -> None:
    assert parse_conf(["spark.executor.memory=8g", " a.b = c=d "]) == {
        "spark.executor.memory": "8g",
        "a.b": "c=d",
    }
    with pytest.raises(CaseError, match="key=value"):
        parse_conf(["spark.executor.memory"])


def test_bare_varchar_becomes_string_only_without_a_length() -> None:
    sql = "SELECT CAST(x AS VARCHAR), CAST(y AS varchar(1)), 'AS VARCHAR' FROM t"
    assert to_spark_sql(sql) == "SELECT CAST(x AS STRING), CAST(y AS varchar(1)), 'AS STRING' FROM t"


def test_case_ids_that_cannot_be_partition_names() -> None:
    assert check_case_id("2024-演示-001", "x") == "2024-演示-001"
    for bad in ("a/b", "case_id=1", "../x", ""):
        with pytest.raises(CaseError, match="分区名"):
            check_case_id(bad, "case.toml")


def test_canonical_folder_and_uris_are_not_case_folders(tmp_path: Path) -> None:
    write_canonical({}, "c1", tmp_path / "canon")
    assert (tmp_path / "canon" / "messages" / "case_id=c1" / "part-0.parquet").is_file()
    assert is_uri(str(tmp_path / "canon"))
    assert is_uri("hdfs:///data/canonical")
    assert not is_uri(str(tmp_path))
    assert run_info_path(tmp_path / "findings.jsonl") == tmp_path / "findings.run.json"


def test_import_reports_the_bad_line(tmp_path: Path) -> None:
    from hongxian.cli.store_cmd import load_run

    path = tmp_path / "findings.jsonl"
    path.write_text('{"finding_id": "x"}\n', encoding="utf-8")
    with pytest.raises(CaseError, match="第 1 行"):
        load_run(path, "v")
    with pytest.raises(CaseError, match="找不到"):
        load_run(tmp_path / "none.jsonl", "v")


def test_written_tables_keep_the_canonical_schema(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from hongxian.canonical import SCHEMAS

    write_canonical({"people": SCHEMAS["people"].empty_table()}, "c1", tmp_path)
    assert pq.read_table(tmp_path / "people" / "case_id=c1" / "part-0.parquet").schema.equals(
        pa.schema(SCHEMAS["people"])
    )
