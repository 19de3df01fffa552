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

from pathlib import Path

import pandas as pd


def read_parquet(source: str | Path | bytes) -> pd.DataFrame:
    """Read a parquet file, or its bytes, into a DataFrame.

    Parameters
    ----------
    source : str, Path or bytes
        The file, or its content.

    Returns
    -------
    DataFrame
        As :func:`pandas.read_parquet` returns it (same dtypes).
    """
    import pyarrow as pa

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    return pd.read_parquet(pa.BufferReader(data))


def parquet_bytes(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    """The parquet file of ``frame``, as bytes (write them atomically where they go).

    Parameters
    ----------
    frame : DataFrame
    index : bool, default False
        Whether to store the index.

    Returns
    -------
    bytes
    """
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    frame.to_parquet(sink, index=index)
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
