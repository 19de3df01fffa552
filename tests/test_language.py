"""One language per page: the narrative and the labels exist in Dutch and English, and do not mix.

Every markdown cell of the notebooks is tagged ``nl`` or ``en`` (the report runner
removes the other language on export); the English twin follows its Dutch cell.
An English reader's text (the ``en`` cells and the English of every label) must
hold no Dutch words of :data:`DUTCH_WORDS`, a Dutch reader's text no English words
of :data:`ENGLISH_WORDS`. Nothing is executed: the texts are read from the
notebooks and the label catalogue.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from analysis import config, labels
from analysis.indicators import INDICATORS, UNITS

NOTEBOOKS = sorted(config.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
LANGUAGE_TAGS = ("nl", "en")

DUTCH_WORDS = (
    "gemeente",
    "gemeenten",
    "jongeren",
    "wijk",
    "wijken",
    "halfjaar",
    "bron",
    "bronnen",
    "voorlopig",
    "definitief",
    "aantal",
    "per 1.000",
    "cijfers",
    "gegevens",
    "cliënten",
    "casussen",
    "werkdagen",
    "peildatum",
    "trendbreuk",
    "tabelwissel",
    "streefwaarde",
    "jeugdhulp",
    "buurtteam",
    "het",
    "een",
    "van",
    "niet",
    "wordt",
    "zijn",
    "voor",
    "naar",
    "bij",
    "ook",
    "geen",
    "tot",
    "wel",
)
"""Words that give a Dutch text away; none may appear in an English reader's text."""

ENGLISH_WORDS = (
    "the",
    "and",
    "with",
    "which",
    "municipality",
    "district",
    "provisional",
    "final",
    "per 1,000",
    "half year",
    "number of",
    "figures",
    "is not",
    "are",
    "from",
    "without",
    "target",
    "neighbourhood",
    "youth",
    "waiting",
)
"""Words that give an English text away; none may appear in a Dutch reader's text."""

SHARED_LABELS = {
    "percentage",
    "indicator",
    "status",
    "trend",
    "g4",
    "wmo",
    "context",
    "register",
    "team",
    "mark_effect",
    "p_holm",
    "test_kruskal",
    "method_arima",
    "method_theta",
    "trend_col_model_mase",
    "trend_col_mase",
    "trend_col_indicator",
    "reconcile_basis_cbs",
    "reconcile_basis_register",
}
"""Label keys whose Dutch and English text are the same word (names, abbreviations, loanwords)."""


def _readable(text: str) -> str:
    """Text as a reader reads it, without what is not language: code, placeholders, paths and commands."""
    text = re.sub(r"`[^`]*`", " ", text)  # code spans: parameter names, file names
    text = re.sub(r"\{[^{}]*\}", " ", text)  # format placeholders: {wijk}, {region}
    text = re.sub(r"python -m analysis [a-z ]+(PATH)?", " ", text)  # commands
    text = re.sub(r"\bparameters? '?\w+'?", " ", text)  # parameter names: the parameter wijk
    text = re.sub(
        r"\b[\w.-]+/[\w./-]+", " ", text
    )  # paths and addresses: docs/reconcile.md, data/cbs
    return text


def words_found(text: str, words) -> list[str]:
    """The words of ``words`` in ``text`` (whole words, any case), after :func:`_readable`."""
    plain = _readable(text).lower()
    return [
        w for w in words if re.search(rf"(?<![\w.,]){re.escape(w.lower())}(?![\w]|[.,]\d)", plain)
    ]


def _markdown(path, tag=None):
    nb = nbformat.read(path, as_version=4)
    return [
        c
        for c in nb.cells
        if c.cell_type == "markdown" and (tag is None or tag in c.metadata.get("tags", []))
    ]


def _label_texts(language: str) -> dict[str, str]:
    idx = labels.LANGUAGES.index(language)
    texts = {f"label {key}": pair[idx] for key, pair in labels.LABELS.items()}
    texts |= {f"indicator {i}": ind.label(language) for i, ind in INDICATORS.items()}
    texts |= {
        f"unit {u}": labels.unit_label(u, language) + " / " + labels.unit_axis_label(u, language)
        for u in UNITS
    }
    texts |= {
        f"period {p}": labels.period_label(p, language, style=s)
        for p in ("2024", "2024H1", "2023Q4", "2023-06", "2023-06-30")
        for s in labels.PERIOD_STYLES
    }
    return texts


# --- the checker itself ----------------------------------------------------------------------------


def test_the_checker_finds_words_and_ignores_code():
    assert words_found("Het aantal jongeren per 1.000 inwoners", DUTCH_WORDS) == [
        "jongeren",
        "aantal",
        "per 1.000",
        "het",
    ]
    assert words_found("The parameter wijk, `wijk` and {wijk} in docs/wijk.md", DUTCH_WORDS) == []
    assert words_found("The wijk and its bron", DUTCH_WORDS) == ["wijk", "bron"]
    assert words_found("Per 1,000 inhabitants in the district", ENGLISH_WORDS) == [
        "the",
        "district",
        "per 1,000",
    ]
    assert words_found("12.163 per 10.000 inwoners", ["per 1.000"]) == []


# --- the notebooks' narrative ----------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_markdown_cell_has_exactly_one_language_tag(path):
    for cell in _markdown(path):
        tags = [t for t in cell.metadata.get("tags", []) if t in LANGUAGE_TAGS]
        assert len(tags) == 1, (
            f"{path.name}, cell {cell.id}: language tags {tags}; tag it 'nl' or 'en'"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_dutch_and_english_cells_pair_up(path):
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        tags = cell.metadata.get("tags", [])
        if "nl" in tags:
            twin = cells[i + 1] if i + 1 < len(cells) else None
            assert (
                twin is not None
                and twin.cell_type == "markdown"
                and "en" in twin.metadata.get("tags", [])
            ), f"{path.name}, cell {cell.id}: the Dutch cell is not followed by its English twin"
            heading = re.match(r"#*", cell.source).group()
            assert re.match(r"#*", twin.source).group() == heading, (
                f"{path.name}, cells {cell.id}/{twin.id}: the Dutch and English heading levels differ"
            )
            assert twin.source.strip() != cell.source.strip(), (
                f"{path.name}, cell {twin.id}: not translated"
            )
        elif "en" in tags:
            before = cells[i - 1] if i else None
            assert before is not None and "nl" in before.metadata.get("tags", []), (
                f"{path.name}, cell {cell.id}: an English cell without the Dutch cell before it"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_english_narrative_has_no_dutch_words(path):
    bad = {
        c.id: found for c in _markdown(path, "en") if (found := words_found(c.source, DUTCH_WORDS))
    }
    assert bad == {}, f"{path.name}: Dutch words in English cells: {bad}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_dutch_narrative_has_no_english_words(path):
    bad = {
        c.id: found
        for c in _markdown(path, "nl")
        if (found := words_found(c.source, ENGLISH_WORDS))
    }
    assert bad == {}, f"{path.name}: English words in Dutch cells: {bad}"


# --- the texts code shows: the label catalogue --------------------------------------------------------


def test_english_labels_have_no_dutch_words():
    bad = {
        k: found
        for k, text in _label_texts("en").items()
        if (found := words_found(text, DUTCH_WORDS))
    }
    assert bad == {}, f"Dutch words in English labels: {bad}"


def test_dutch_labels_have_no_english_words():
    bad = {
        k: found
        for k, text in _label_texts("nl").items()
        if (found := words_found(text, ENGLISH_WORDS))
    }
    assert bad == {}, f"English words in Dutch labels: {bad}"


def test_every_label_is_translated_or_a_shared_word():
    same = {key for key, (nl, en) in labels.LABELS.items() if nl == en}
    assert same - SHARED_LABELS == set(), (
        f"labels with the same Dutch and English text: {sorted(same - SHARED_LABELS)}"
    )
    assert SHARED_LABELS - set(labels.LABELS) == set(), (
        "allow-listed keys that are not labels (any more)"
    )
