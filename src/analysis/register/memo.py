"""Tables derived from a loaded register, computed once per version of its files.

A batch of wijk reports (``runs/wijken.yml``) computes the same city-wide
tables (reach, flows, survey marks, register observations) for every wijk and
then keeps one wijk's rows. :func:`derived` remembers such a table in the
process's :mod:`analysis.datacache`, keyed by

* what is computed (a name and its parameters), and
* the register's :class:`RegisterVersion`: the path, size, modification time
  and SHA-256 of every file :func:`~analysis.register.load_register` read,
  its reading options, and the municipality
  (:meth:`~analysis.register.Register.of_municipality`).

So a changed register file is a new key (the table is computed again), every
caller gets a copy (a report that changes its frame changes nothing another
report sees), and ``ANALYSIS_DATA_CACHE=0`` switches it off.

Only registers that :func:`~analysis.register.load_register` read carry a
version; a register built in code, or rebuilt with other tables
(:func:`dataclasses.replace`, :meth:`~analysis.register.Register.of_municipality`
of an unversioned register), is computed every time. The cache trusts that a
loaded register's tables are not changed in place (``reg.cases.loc[...] =
...``): derive a new frame or register instead, as the package does.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple, TypeVar

import pandas as pd

from .. import datacache

T = TypeVar("T")

__all__ = ["RegisterVersion", "derived"]


class RegisterVersion(NamedTuple):
    """The files a register was read from, its reading options and its municipality."""

    files: tuple[datacache.FileVersion, ...]
    options: tuple
    municipality: str | None = None


def _key(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_key(v) for v in value)
    if isinstance(value, pd.Timestamp):
        return ("timestamp", value.isoformat())
    hash(value)
    return value


def derived(
    register: Any,
    name: str,
    compute: Callable[[], T],
    *,
    frames: Iterable[pd.DataFrame] = (),
    **params: Any,
) -> T:
    """``compute()``, or a copy of its earlier result for the same register version and parameters.

    Parameters
    ----------
    register : Register
        The register ``compute`` reads.
    name : str
        What ``compute`` computes (e.g. ``"analysis.reach.reach_observations"``).
    compute : callable
        Computes the table from ``register`` (and ``frames``) alone.
    frames : iterable of DataFrame
        Tables ``compute`` reads that the caller passed beside the register
        (e.g. ``cases``): the result is remembered only when each of them is
        one of the register's own tables (the same object), else computed.
    **params
        Everything else the result depends on (hashable: text, numbers,
        dates, lists of them).

    Returns
    -------
    object
        A fresh copy (:func:`analysis.datacache.fresh_copy`) of the result.
    """
    version = getattr(register, "version", None)
    if not isinstance(version, RegisterVersion):
        return compute()
    own = [register.cases, register.surveys, register.care]
    if not all(any(frame is table for table in own) for frame in frames):
        return compute()
    try:
        key = (
            "analysis.register.memo",
            name,
            version,
            tuple(sorted((k, _key(v)) for k, v in params.items())),
        )
        hash(key)
    except TypeError:
        return compute()
    return datacache.load(key, [f.path for f in version.files], compute)
