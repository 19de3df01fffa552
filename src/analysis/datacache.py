"""Loaded and validated tables, kept in the process while their files are unchanged.

Reading a data file is parsing plus validation (pandera), which costs far
more than the analysis of one region. A warm report kernel runs hundreds of
reports on the same files, and a researcher in JupyterLab re-runs the same
cells; both should pay the reading once per *version* of a file. This module
remembers what a read function returned, keyed by

* the function and its arguments, and
* every file it read: path, size, ``mtime_ns`` and a SHA-256 of the content.

Any change to a file (new content, new size, new modification time) is a new
key, so the file is read and validated again and the old entry is dropped.
The checksum is recomputed whenever the file's ``stat`` changes in any way
(size, ``mtime_ns``, ``ctime_ns``, inode; writing a file always changes its
``ctime``, also when the writer restores ``mtime``) and whenever the file was
modified less than :data:`RACY_SECONDS` before it was hashed (on a file
system with coarse timestamps a second write in the same tick looks
unchanged; git calls such entries "racily clean").

Callers always get a copy of what was loaded (DataFrames and Series copied,
containers and dataclasses rebuilt), so no report or cell can change what
another one sees. The cache holds at most :func:`max_entries` results (least
recently used dropped first), forgets results whose files have been deleted
(checked whenever something new is stored); :func:`clear` empties it; the environment
variable ``ANALYSIS_DATA_CACHE=0`` switches it off (every call reads its
files, as without this module).

Use it as a decorator on the lowest read functions, telling it which files a
call reads::

    @datacache.cached(lambda table_id, cache_dir=None: [folder(cache_dir) / f"{table_id}.parquet"])
    def read_cached(table_id, cache_dir=None): ...

A call whose files do not all exist, or whose arguments are not hashable, is
passed through uncached (so its own error handling runs every time). An
exception is never cached.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import inspect
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pandas as pd

T = TypeVar("T")

#: A file modified less than this many seconds before it was hashed is hashed again next time.
RACY_SECONDS = 2.0
#: Default bound on the number of cached results per process.
DEFAULT_MAX_ENTRIES = 128


class FileVersion(NamedTuple):
    """One version of one file: what a cached result depends on."""

    path: str
    size: int
    mtime_ns: int
    sha256: str


class CacheInfo(NamedTuple):
    """Counters of the process's cache (see :func:`info`)."""

    hits: int
    misses: int
    entries: int
    max_entries: int
    enabled: bool


class _Store:
    """The process-wide state: results, checksums and counters, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.results: OrderedDict[Hashable, tuple[tuple[FileVersion, ...], Any]] = OrderedDict()
        # stat signature -> checksum, and when it was computed
        self.checksums: dict[str, tuple[tuple[int, int, int, int], str, float]] = {}
        self.max_entries = DEFAULT_MAX_ENTRIES
        self.hits = 0
        self.misses = 0


_STORE = _Store()


def enabled() -> bool:
    """False when ``ANALYSIS_DATA_CACHE`` is ``0``, ``off``, ``no`` or ``false``."""
    return os.environ.get("ANALYSIS_DATA_CACHE", "1").strip().lower() not in (
        "0",
        "off",
        "no",
        "false",
    )


def file_version(path: str | Path) -> FileVersion:
    """Path, size, ``mtime_ns`` and SHA-256 of ``path`` (the checksum reused while ``stat`` is unchanged).

    Raises
    ------
    OSError
        When the file cannot be read.
    """
    name = os.path.abspath(os.fspath(path))
    st = os.stat(name)
    signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    with _STORE.lock:
        known = _STORE.checksums.get(name)
    if (
        known is not None
        and known[0] == signature
        and known[2] - max(st.st_mtime_ns, st.st_ctime_ns) / 1e9 >= RACY_SECONDS
    ):
        digest = known[1]
    else:
        hashed_at = time.time()
        digest = _sha256(name)
        with _STORE.lock:
            _STORE.checksums[name] = (signature, digest, hashed_at)
    return FileVersion(name, st.st_size, st.st_mtime_ns, digest)


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fresh_copy(value: T) -> T:
    """A copy of ``value`` that shares nothing mutable with it.

    DataFrames, Series and Index objects are copied (``copy(deep=True)``);
    tuples, lists, dicts and dataclass instances are rebuilt around copies of
    their items (a dataclass's fields without ``init`` copied as well); anything else is deep-copied (immutable values are returned
    as they are).
    """
    if isinstance(value, pd.DataFrame | pd.Series | pd.Index):
        return value.copy(deep=True)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(fresh_copy(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [fresh_copy(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: fresh_copy(v) for k, v in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        changes = {f.name: fresh_copy(getattr(value, f.name)) for f in fields if f.init}
        out = dataclasses.replace(value, **changes)  # type: ignore[type-var]
        for f in fields:  # the fields __init__ does not set are copied too
            if not f.init and hasattr(value, f.name):
                object.__setattr__(out, f.name, fresh_copy(getattr(value, f.name)))
        return out
    if value is None or isinstance(value, str | bytes | int | float | bool | Path | frozenset):
        return value
    return copy.deepcopy(value)


def load(
    key: Hashable,
    files: Iterable[str | Path],
    loader: Callable[[], T],
    select: Callable[[T], Any] | None = None,
) -> Any:
    """``loader()``, or a copy of its earlier result for the same key and file versions.

    Parameters
    ----------
    key : hashable
        What is loaded (e.g. the function name and its arguments).
    files : iterable of path
        Every file ``loader`` reads. If one does not exist (or cannot be
        stat'ed) the call is not cached. Empty for a result that depends on
        the key alone (e.g. a :func:`frame_digest` of its input).
    loader : callable
        Reads and validates; its exceptions propagate and nothing is stored.
    select : callable, optional
        Applied to the (cached) value before it is copied, e.g. one region's
        rows of a national table: only the selection is copied.

    Returns
    -------
    object
        A fresh copy (:func:`fresh_copy`) of ``select(value)`` (or of the value).
    """
    pick = select or (lambda v: v)
    if not enabled():
        return pick(loader())
    try:
        versions = tuple(file_version(f) for f in files)
    except OSError:
        return pick(loader())
    with _STORE.lock:
        entry = _STORE.results.get(key)
        if entry is not None and entry[0] == versions:
            _STORE.results.move_to_end(key)
            _STORE.hits += 1
            value = entry[1]
            hit = True
        else:
            _STORE.misses += 1
            hit = False
    if hit:
        return fresh_copy(pick(value))
    value = loader()
    with _STORE.lock:
        _drop_vanished()
        _STORE.results[key] = (versions, value)  # a new version replaces the old one
        _STORE.results.move_to_end(key)
        while len(_STORE.results) > _STORE.max_entries:
            _STORE.results.popitem(last=False)
    return fresh_copy(pick(value))


def frame_digest(frame: pd.DataFrame | None) -> str | None:
    """A SHA-256 of a DataFrame's content: values, index, column names and dtypes (None for None).

    For keying results computed from a frame that was not read from a file
    (e.g. a forecast of a panel): equal frames give the same digest, any
    changed value, label, column or dtype a different one.
    """
    if frame is None:
        return None
    h = hashlib.sha256()
    h.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(repr(list(frame.index.names)).encode())
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()


def _drop_vanished() -> None:
    """Forget results read from files that no longer exist (e.g. a temporary import folder)."""
    gone = [
        key
        for key, (versions, _) in _STORE.results.items()
        if any(not os.path.exists(v.path) for v in versions)
    ]
    for key in gone:
        del _STORE.results[key]
    for name in [n for n in _STORE.checksums if not os.path.exists(n)]:
        del _STORE.checksums[name]


def cached(
    files: Callable[..., Sequence[str | Path] | None],
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a read function so :func:`load` remembers its results.

    Parameters
    ----------
    files : callable
        Called with the decorated function's arguments; returns the files
        that call reads, or None to pass the call through uncached.
    """

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        signature = inspect.signature(func)
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            if not enabled():
                return func(*args, **kwargs)
            try:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                key = (name, tuple((k, _hashable(v)) for k, v in bound.arguments.items()))
                hash(key)
                paths = files(*args, **kwargs)
            except (TypeError, ValueError):
                return func(*args, **kwargs)
            if paths is None:
                return func(*args, **kwargs)
            return load(key, paths, lambda: func(*args, **kwargs))

        wrapper.uncached = func  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _hashable(value: Any) -> Hashable:
    if isinstance(value, Path):
        return ("path", os.path.abspath(value))
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def clear() -> None:
    """Forget every cached result and checksum (and reset the counters)."""
    with _STORE.lock:
        _STORE.results.clear()
        _STORE.checksums.clear()
        _STORE.hits = _STORE.misses = 0


def set_max_entries(n: int) -> None:
    """Bound the cache to ``n`` results (at least 1); the least recently used go first."""
    if n < 1:
        raise ValueError("max_entries must be at least 1")
    with _STORE.lock:
        _STORE.max_entries = int(n)
        while len(_STORE.results) > _STORE.max_entries:
            _STORE.results.popitem(last=False)


def info() -> CacheInfo:
    """Hits, misses, entries and the bound of this process's cache."""
    with _STORE.lock:
        return CacheInfo(
            _STORE.hits, _STORE.misses, len(_STORE.results), _STORE.max_entries, enabled()
        )


__all__ = [
    "CacheInfo",
    "FileVersion",
    "cached",
    "clear",
    "enabled",
    "file_version",
    "frame_digest",
    "fresh_copy",
    "info",
    "load",
    "set_max_entries",
]
