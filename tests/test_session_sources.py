"""A later cell's CBS tables are recorded for the runner once, without repeating the first declaration."""

from __future__ import annotations

from analysis import notebook
from analysis.runner import provenance


def test_declare_new_sources_records_only_what_was_not_declared(monkeypatch):
    recorded = []
    monkeypatch.setattr(provenance, "record_sources", lambda records: recorded.append(list(records)))
    session = notebook.start(region="GM0344", source="embedded")
    session.load("jeugdhulp_pct")
    session.declare_sources()
    assert session.declare_new_sources() == []  # nothing new: nothing shown
    session.load("jeugdhulptrajecten")
    new = session.declare_new_sources()
    assert new == ["CBS 82968NED", "CBS 85094NED"]
    assert [r["source"] for r in recorded[-1]] == new
    assert len(recorded) == 2 and session.declare_new_sources() == []
