"""A later cell's CBS tables are shown and recorded once, without repeating the first declaration."""

from __future__ import annotations

from analysis import notebook, sources
from analysis.provenance import SOURCES_MIME


def test_declare_new_sources_records_only_what_was_not_declared(monkeypatch):
    shown = []
    real = sources.show_sources

    def capture(source, extra=(), language=None, only=None):
        table = real(source, extra, language, only)
        shown.append((only, sources.describe_sources(source, language, extra)))
        return table

    monkeypatch.setattr(notebook, "show_sources", capture)
    session = notebook.start(region="GM0344", source="embedded")
    session.load("jeugdhulp_pct")
    session.declare_sources()
    first = {row["source"] for row in shown[-1][1].rows}
    assert "CBS 85094NED" not in first
    assert session.declare_new_sources() == []  # nothing new: nothing shown
    assert len(shown) == 1
    session.load("jeugdhulptrajecten")
    new = session.declare_new_sources()
    assert new == ["CBS 82968NED", "CBS 85094NED"]  # the trajectory tables, first read now
    assert not set(new) & first
    assert shown[-1][0] == new
    assert len(shown) == 2 and session.declare_new_sources() == []


def test_show_sources_only_keeps_the_named_rows(capsys):
    session = notebook.start(region="GM0344", source="embedded")
    session.load("jeugdhulp_pct")
    session.load("jeugdhulptrajecten")
    full = sources.describe_sources(session.source, "nl")
    names = [row["source"] for row in full.rows]
    assert len(names) >= 2
    sources.show_sources(session.source, (), "nl", only=names[-1:])
    out = capsys.readouterr().out  # outside IPython the table is printed
    assert names[-1] in out and all(n not in out for n in names[:-1])
    assert SOURCES_MIME  # the bundle's record type is public


def test_the_comparable_group_declares_the_region_table_it_was_chosen_from():
    session = notebook.start(region="GM0344", source="embedded", language="en")
    group = session.comparable_group()
    assert group.table == "85755NED" and "GM0363" in group.members
    rows = {row["source"]: row for row in sources.describe_sources(session.source).rows}
    assert set(rows) == {"CBS 85755NED"}
    row = rows["CBS 85755NED"]
    assert (
        row["indicators"]
        == "characteristics of municipalities (choice of the comparable municipalities)"
    )
    assert row["checksum"].startswith("sha256:") and row["vintage"]
