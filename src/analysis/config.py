"""Every path the project uses, in one place.

Paths can be redirected with environment variables, which is how tests and
scheduled runs keep their caches and reports apart:

``ANALYSIS_DATA_DIR``
    Root of the embedded data (default: ``<project>/data``).
``ANALYSIS_CACHE_DIR``
    Where fetched or imported CBS tables are kept (default: ``<data>/cache``).
``ANALYSIS_REPORTS_DIR``
    Where scheduled runs write their reports (default: ``<project>/reports``).
``ANALYSIS_REALDATA_DIR``
    Folder of third-party CBS files used by tests and benchmarks
    (default: ``<project>/../shared/realdata``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def data_dir() -> Path:
    """Root of the embedded data (``data/``)."""
    return _env_path("ANALYSIS_DATA_DIR", PROJECT_ROOT / "data")


def published_dir() -> Path:
    """Hand-transcribed published figures (``data/published/``)."""
    return data_dir() / "published"


def synthetic_dir() -> Path:
    """The generated synthetic case register (``data/synthetic/``)."""
    return data_dir() / "synthetic"


def cbs_extract_dir() -> Path:
    """The embedded CBS extract (``data/cbs/``), built by ``python -m analysis cbs extract``."""
    return data_dir() / "cbs"


def cache_dir() -> Path:
    """Local cache of fetched or imported CBS tables (git-ignored)."""
    return _env_path("ANALYSIS_CACHE_DIR", data_dir() / "cache")


def reports_dir() -> Path:
    """Output folder of scheduled runs (git-ignored)."""
    return _env_path("ANALYSIS_REPORTS_DIR", PROJECT_ROOT / "reports")


def notebooks_dir() -> Path:
    """The notebook collection."""
    return PROJECT_ROOT / "notebooks"


def realdata_dir() -> Path:
    """Third-party CBS files beside the project (may not exist)."""
    return _env_path("ANALYSIS_REALDATA_DIR", PROJECT_ROOT.parent / "shared" / "realdata")
