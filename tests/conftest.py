"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import config


@pytest.fixture
def realdata_dir() -> Path:
    """../shared/realdata, or skip with a reason where it is absent."""
    path = config.realdata_dir()
    if not path.is_dir():
        pytest.skip(f"third-party CBS files not found at {path} (a fresh clone has no ../shared)")
    return path


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch) -> Path:
    """An empty CBS cache for one test (ANALYSIS_CACHE_DIR points at it)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(cache))
    return cache
