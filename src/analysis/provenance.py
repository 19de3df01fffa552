"""Data provenance: what a notebook read, declared from inside the notebook.

A notebook calls :func:`record_sources` once it has loaded its data::

    from analysis.provenance import record_sources

    record_sources([
        {"source": "CBS 84908NED", "path": "data/cache/84908NED.parquet", "vintage": "2024"},
        {"source": "synthetic case register", "path": "data/synthetic/cases.csv", "synthetic": True},
    ])

This displays one output with two representations: a JSON record under the
mime type :data:`SOURCES_MIME` (a list of ``{source, path, checksum, vintage,
synthetic}``), which the runner collects from the executed notebook into
``run.json`` and ``index.html``, and a short ``text/plain`` line that readers
of the notebook or its HTML page see. Calling it more than once adds records.
Outside the runner (a notebook opened in JupyterLab) it only shows that line.

It belongs to the analysis layer (notebooks call it through
:meth:`analysis.notebook.Session.declare_sources`); the runner reads the records back
(:func:`collect_sources`). This module runs inside kernels: keep it free of heavy imports.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: Mime type of the provenance record in a display_data output.
SOURCES_MIME = "application/vnd.analysis.sources+json"

FIELDS = ("source", "path", "checksum", "vintage", "synthetic")

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


_CACHE: dict[tuple[Any, ...], str] = {}  # kernels live long: do not re-hash unchanged files


def file_checksum(path: str | os.PathLike[str]) -> str:
    """``sha256:<hex>`` of a file's bytes (cached while the file's size and mtime are unchanged)."""
    stat = os.stat(path)
    key = ("file", os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
    if key not in _CACHE:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _CACHE[key] = f"sha256:{digest.hexdigest()}"
    return _CACHE[key]


def folder_checksum(path: str | os.PathLike[str]) -> str:
    """``sha256:<hex>`` over a folder's files: their relative paths and checksums, in order.

    Hidden files and folders (``.name``) are left out.
    """
    root = Path(path)
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.relative_to(root).as_posix()}\0{file_checksum(file)}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def _display_path(path: str) -> str:
    """A path relative to the project where it lies inside it (no home folders in reports)."""
    try:
        resolved = Path(path).expanduser().resolve()
        return resolved.relative_to(_PROJECT_ROOT).as_posix()
    except (ValueError, OSError):
        return str(path)


def normalise_source(record: Mapping[str, Any], *, compute_checksum: bool = True) -> dict[str, Any]:
    """Check one record and fill its defaults.

    ``source`` (non-empty text) is required; ``path``, ``checksum`` and
    ``vintage`` are text or absent; ``synthetic`` is a bool (default False).
    When ``path`` names an existing file or folder and no checksum is given,
    the checksum is computed (:func:`file_checksum`, :func:`folder_checksum`). Raises ``ValueError`` naming the problem.
    """
    if not isinstance(record, Mapping):
        raise ValueError(f"a source record must be a mapping, not {type(record).__name__}")
    unknown = sorted(set(record) - set(FIELDS))
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(map(repr, unknown))} in source record "
            f"(allowed: {', '.join(FIELDS)})"
        )
    source = record.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValueError("a source record needs 'source': a non-empty text")
    out: dict[str, Any] = {"source": source.strip()}
    path = record.get("path")
    if path is not None and not isinstance(path, str | os.PathLike):
        raise ValueError(f"'path' of source {source!r} must be text")
    checksum = record.get("checksum")
    if checksum is not None and not isinstance(checksum, str):
        raise ValueError(f"'checksum' of source {source!r} must be text")
    if path is not None and checksum is None and compute_checksum:
        if os.path.isfile(path):
            checksum = file_checksum(path)
        elif os.path.isdir(path):
            checksum = folder_checksum(path)
    vintage = record.get("vintage")
    if vintage is not None and not isinstance(vintage, str | int):
        raise ValueError(f"'vintage' of source {source!r} must be text or a year")
    synthetic = record.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise ValueError(f"'synthetic' of source {source!r} must be true or false")
    out["path"] = _display_path(os.fspath(path)) if path is not None else None
    out["checksum"] = checksum
    out["vintage"] = str(vintage) if vintage is not None else None
    out["synthetic"] = synthetic
    return out


def _summary(sources: list[dict[str, Any]]) -> str:
    parts = []
    for item in sources:
        extra = [x for x in (item["vintage"],) if x]
        if item["synthetic"]:
            extra.append("synthetic")
        if item["checksum"]:
            extra.append(item["checksum"][:19])
        parts.append(f"{item['source']} ({', '.join(extra)})" if extra else item["source"])
    return "Data sources: " + "; ".join(parts)


def record_sources(records: Iterable[Mapping[str, Any]]) -> None:
    """Declare the data this notebook read (see the module docstring)."""
    if isinstance(records, Mapping):
        records = [records]
    sources = [normalise_source(r) for r in records]
    bundle = {SOURCES_MIME: sources, "text/plain": _summary(sources)}
    try:
        from IPython.display import display
    except ImportError:  # plain Python: just say it
        print(bundle["text/plain"])
        return None
    display(bundle, raw=True)
    return None


def collect_sources(nb: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The source records in an executed notebook's outputs, in order, without duplicates.

    Records that do not validate are kept with what they have (``source`` as
    text), never dropped silently and never allowed to break the run.
    """
    seen: set[str] = set()
    found: list[dict[str, Any]] = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if SOURCES_MIME not in data:
                continue
            payload = data[SOURCES_MIME]
            if isinstance(payload, str):  # a JSON string (older writers)
                try:
                    payload = json.loads(payload)
                except ValueError:
                    payload = []
            if isinstance(payload, Mapping):
                payload = payload.get("sources", [payload])
            for record in payload if isinstance(payload, list) else []:
                try:
                    item = normalise_source(record, compute_checksum=False)
                except ValueError as exc:
                    item = {
                        "source": str(record)[:200],
                        "path": None,
                        "checksum": None,
                        "vintage": None,
                        "synthetic": False,
                        "problem": str(exc),
                    }
                key = json.dumps(item, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    found.append(item)
    return found
