"""Text from register, flow, experience and reach follows the session language when none is passed."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import experience, flow, labels, reach
from analysis.register import register_scope


@pytest.fixture
def english():
    previous = labels.set_language("en")
    yield
    labels.set_language(previous)


def _texts(language=None):
    obs = pd.DataFrame({"region_name": ["Utrecht"]})
    kwargs = {} if language is None else {"language": language}
    return [
        reach.group_title("sociaal", obs, **kwargs),
        flow.identity_text(
            pd.DataFrame({"periods": [3], "periods_with_difference": [0]}), what="x", **kwargs
        ),
        register_scope("GM0363", **kwargs).message,
        register_scope("GM0363").skip_note(**kwargs),
    ]


def test_the_session_language_is_the_default(english):
    assert _texts() == _texts("en")
    assert _texts() != _texts("nl")


def test_an_explicit_language_still_wins(english):
    assert register_scope("GM0363", language="nl").message.startswith("Het synthetische register")


def test_describe_tests_follows_the_session_language(english):
    tests = pd.DataFrame(columns=["test", "measure", "p_holm", "significant"])
    assert experience.describe_tests(tests, between="between_teams") == experience.describe_tests(
        tests, between="between_teams", language="en"
    )
