"""Parquet through Arrow's own buffers (see analysis.parquet for why)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.parquet import parquet_bytes, read_parquet, write_parquet

ROOT = Path(__file__).resolve().parents[1]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["GM0344", "WK034401", None],
            "value": [1.5, None, 3.25],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "date": pd.to_datetime(["2023-01-02", None, "2024-12-31"]),
            "flag": [True, False, True],
        }
    )


def test_round_trip_keeps_values_and_dtypes_as_pandas_reads_them(tmp_path):
    frame = _frame()
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, index=False)  # pandas' own writer, read back by pandas
    expected = pd.read_parquet(path)
    pd.testing.assert_frame_equal(read_parquet(path), expected)
    pd.testing.assert_frame_equal(read_parquet(str(path)), expected)
    pd.testing.assert_frame_equal(read_parquet(parquet_bytes(frame)), expected)
    write_parquet(frame, tmp_path / "w.parquet")
    pd.testing.assert_frame_equal(read_parquet(tmp_path / "w.parquet"), expected)


def test_index_is_stored_only_when_asked():
    frame = _frame().set_index("code")
    assert "code" not in read_parquet(parquet_bytes(frame)).columns
    assert read_parquet(parquet_bytes(frame, index=True)).index.name == "code"


def test_no_other_code_hands_python_files_to_arrow():
    """pandas' parquet readers and writers are called in analysis.parquet only."""
    pattern = re.compile(r"\b(pd\.read_parquet|\.to_parquet)\(")
    offenders = []
    for folder in ("src", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name in ("parquet.py", "test_parquet.py"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
