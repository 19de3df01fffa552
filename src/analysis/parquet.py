"""Parquet files read and written through Arrow's own buffers.

``pandas.read_parquet`` on a path or a Python file object hands Arrow a Python
file, and Arrow's I/O threads then call back into Python to read it. A process
that exits while such a thread still holds or wants the interpreter lock is
aborted at exit ("terminate called without an active exception", exit status
-6; apache/arrow#34314), after its work is done. The CBS cache, the register
loader and the tests therefore read and write parquet only through this
module, which gives Arrow bytes in its own buffers: Arrow's threads never
touch a Python object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

# The most rows pyarrow puts in one row group by default; a frame written in slices
# of this length gives the same row groups, so the same file, as one written whole.
ROW_GROUP_ROWS = 1024 * 1024


def read_parquet(
    source: str | Path | bytes,
    *,
    columns: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a parquet file, or its bytes, into a DataFrame.

    Parameters
    ----------
    source : str, Path or bytes
        The file, or its content.
    columns : sequence of str, optional
        Read only these columns (a large table costs memory only for them).
    categories : sequence of str, optional
        String columns to read as categoricals (each distinct value stored once).

    Returns
    -------
    DataFrame
        As :func:`pandas.read_parquet` returns it (same dtypes).
    """
    import pyarrow as pa

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    kwargs = {"read_dictionary": list(categories)} if categories else {}
    return pd.read_parquet(
        pa.BufferReader(data), columns=list(columns) if columns is not None else None, **kwargs
    )


def parquet_bytes(
    frame: pd.DataFrame,
    *,
    index: bool = False,
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    row_group_rows: int = ROW_GROUP_ROWS,
) -> bytes:
    """The parquet file of ``frame``, as bytes (write them atomically where they go).

    Parameters
    ----------
    frame : DataFrame
    index : bool, default False
        Whether to store the index.
    prepare : callable, optional
        Applied to each slice of ``row_group_rows`` rows before it is
        converted (e.g. categoricals to strings), so that a large frame is never
        converted to Arrow whole: memory then grows with one slice, not with the
        frame. Each slice is one row group. With the default ``row_group_rows``
        this gives the same file as ``prepare(frame).to_parquet(...)`` wherever
        ``prepare`` gives every slice the same dtypes.
    row_group_rows : int, default :data:`ROW_GROUP_ROWS`
        Rows per slice (and row group) when ``prepare`` is given.

    Returns
    -------
    bytes
    """
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    if prepare is None:
        frame.to_parquet(sink, index=index)
        return sink.getvalue().to_pybytes()
    import pyarrow.parquet as pq

    writer = None
    try:
        for start in range(0, max(len(frame), 1), row_group_rows):
            part = prepare(frame.iloc[start : start + row_group_rows])
            table = pa.Table.from_pandas(part, preserve_index=index)
            if writer is None:
                writer = pq.ParquetWriter(sink, table.schema, compression="snappy")
            writer.write_table(table)
            del part, table
    finally:
        if writer is not None:
            writer.close()
    return sink.getvalue().to_pybytes()


def write_parquet(frame: pd.DataFrame, path: str | Path, *, index: bool = False) -> None:
    """Write ``frame`` to ``path`` as parquet (tests and generators; not atomic).

    Parameters
    ----------
    frame : DataFrame
    path : str or Path
    index : bool, default False
        Whether to store the index.
    """
    Path(path).write_bytes(parquet_bytes(frame, index=index))
