"""The case register of the buurtteams (moved to a package; see :mod:`analysis.register.aggregation`)."""

from .aggregation import *  # noqa: F403
