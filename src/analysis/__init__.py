"""Analysis toolkit for monitoring a Dutch municipality's social domain."""

__version__ = "0.1.0"
