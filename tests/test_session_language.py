"""The session language: set once, read by every function that takes language=None."""

import pytest

from analysis import labels


@pytest.fixture
def restore_language():
    previous = labels.get_language()
    yield
    labels.set_language(previous)


def test_default_is_dutch():
    assert labels.resolve_language(None) == labels.get_language()


def test_set_language_is_read_by_resolve(restore_language):
    before = labels.set_language("en")
    assert labels.resolve_language(None) == "en"
    assert labels.resolve_language("nl") == "nl"
    labels.set_language(before)
    assert labels.resolve_language(None) == before


def test_set_language_refuses_unknown(restore_language):
    with pytest.raises(ValueError, match="parameter 'language'"):
        labels.set_language("fr")
    with pytest.raises(ValueError, match="parameter 'language'"):
        labels.resolve_language("de")
