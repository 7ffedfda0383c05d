"""Large batches written as they are assessed: JSON, NDJSON and Parquet.

A batch streamed chunk by chunk (engine.batch.Chunked) must give byte for byte the JSON of the
same batch held at once, and NDJSON and Parquet must hold exactly the same tables.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from engine.batch import Batch, Chunked, assess_table, assess_table_in_chunks
from engine.cli import assess_command
from engine.load.fast import read_fast
from engine.load.ruleset import load_ruleset
from engine.report.batch import (
    SUMMARY_COLUMNS,
    batch_json,
    batch_json_chunks,
    batch_ndjson_chunks,
    rules_parquet,
    sorted_summary,
    summary_parquet,
)
from tests.national.make import write_national

COUNTIES = 1_250  # three chunks of 500: a full one, a full one and a part


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("national") / "national.csv"
    write_national(path, COUNTIES)
    return path


@pytest.fixture(scope="module")
def whole(national: Path) -> Batch:
    ruleset = load_ruleset("provincial-2021")
    table = read_fast(national, ruleset)
    assert table is not None
    batch = assess_table(table, ruleset)
    assert batch is not None
    return batch


def chunked(path: Path, size: int = 500) -> Chunked:
    ruleset = load_ruleset("provincial-2021")
    table = read_fast(path, ruleset)
    assert table is not None
    found = assess_table_in_chunks(table, ruleset, size=size)
    assert found is not None
    return found


def test_streamed_json_is_byte_identical_to_the_whole_batchs(national: Path, whole: Batch) -> None:
    expected = batch_json(whole).encode()
    assert b"".join(batch_json_chunks(whole)) == expected  # the whole batch, streamed
    assert b"".join(batch_json_chunks(chunked(national))) == expected
    assert b"".join(batch_json_chunks(chunked(national, size=COUNTIES))) == expected  # one chunk
    document = json.loads(expected)
    assert document["counties"] == COUNTIES and len(document["rules"]) == COUNTIES * 28


def test_json_written_in_many_slices_is_the_same_bytes(
    national: Path, whole: Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.report.batch

    expected = batch_json(whole).encode()
    monkeypatch.setattr(engine.report.batch, "_ROWS_PER_WRITE", 999)  # 35 slices, one short
    assert b"".join(batch_json_chunks(whole)) == expected
    assert b"".join(batch_json_chunks(chunked(national))) == expected


def test_a_chunked_batch_collects_to_the_whole_batch(national: Path, whole: Batch) -> None:
    collected = chunked(national).collect()
    assert collected.summary.equals(whole.summary)
    assert collected.rules.equals(whole.rules)


def test_ndjson_is_one_county_a_line_with_the_jsons_texts(national: Path, whole: Batch) -> None:
    lines = b"".join(batch_ndjson_chunks(chunked(national))).decode().splitlines()
    assert len(lines) == COUNTIES
    document = json.loads(batch_json(whole))
    summary = {(s["county"], s["year"]): s for s in document["summary"]}
    rules: dict[str, list[dict[str, object]]] = {}
    for rule in document["rules"]:
        rules.setdefault(rule["county"], []).append(rule)
    order = whole.summary["county"].to_list()
    for line, county in zip(lines, order, strict=True):  # input order
        row = json.loads(line)
        assert row["county"] == county
        assert {k: v for k, v in row.items() if k != "rules"} == summary[(county, None)]
        expected = [
            {k: v for k, v in r.items() if k not in ("county", "year")} for r in rules[county]
        ]
        assert row["rules"] == expected


def test_parquet_holds_the_same_tables(national: Path, whole: Batch) -> None:
    streamed = chunked(national)
    summary = pl.read_parquet(io.BytesIO(summary_parquet(streamed)))
    expected = sorted_summary(whole).select(
        *SUMMARY_COLUMNS, "reason_codes", "reasons_zh", "reasons_en"
    )
    assert summary.equals(expected)
    rules = pl.read_parquet(io.BytesIO(b"".join(rules_parquet(streamed))))
    assert rules.equals(whole.rules.drop("county_index", "rule_index"))
    assert rules["actual"].dtype == pl.String  # the JSON's exact texts, never a float


@pytest.mark.slow  # three real command runs on 700 counties (.ci/run runs it)
def test_the_command_streams_a_large_file_and_writes_parquet_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.batch

    path = tmp_path / "national.csv"
    write_national(path, 700)
    monkeypatch.setattr(engine.batch, "CHUNK_COUNTIES", 300)  # so that 700 counties stream
    run = CliRunner().invoke(assess_command, [str(path), "-r", "provincial-2021", "-f", "json"])
    assert run.exit_code == 1, run.output  # some counties fail
    held = CliRunner().invoke(
        assess_command, [str(path), "-r", "provincial-2021", "-f", "json", "--engine", "rete"]
    )
    document, other = json.loads(run.stdout), json.loads(held.stdout)
    assert document["engine"] == "vector" and other["engine"] == "rete"
    assert {k: v for k, v in document.items() if k != "engine"} == {
        k: v for k, v in other.items() if k != "engine"
    }
    out = tmp_path / "report.parquet"
    run = CliRunner().invoke(
        assess_command, [str(path), "-r", "provincial-2021", "-f", "parquet", "-o", str(out)]
    )
    assert run.exit_code == 1, run.output
    assert pl.read_parquet(out).height == 700
    assert pl.read_parquet(tmp_path / "report.rules.parquet").height == 700 * 28
    lines = CliRunner().invoke(assess_command, [str(path), "-r", "provincial-2021", "-f", "ndjson"])
    assert len(lines.stdout.splitlines()) == 700
