"""The label scheme's definitions: optional plain text on each stance and role, limited."""

import pytest
from django.core.exceptions import ValidationError

from debate.scheme import MAX_DEFINITION_CHARS, default_scheme, validate_scheme


def test_the_default_scheme_defines_every_stance_and_role():
    scheme = default_scheme()
    validate_scheme(scheme)

    definitions = {
        item["key"]: item["definition"] for part in ("stances", "roles") for item in scheme[part]
    }
    assert sorted(definitions) == ["claim", "contra", "neutral", "premise", "pro"]
    assert "for the debate's proposition" in definitions["pro"]
    assert "against the debate's proposition" in definitions["contra"]
    assert all(0 < len(text) <= MAX_DEFINITION_CHARS for text in definitions.values())
    # A fresh copy each time: changing one changes no other.
    scheme["stances"][0]["definition"] = "changed"
    assert default_scheme()["stances"][0]["definition"] != "changed"


def test_definitions_are_optional():
    scheme = default_scheme()
    for part in ("stances", "roles"):
        for item in scheme[part]:
            del item["definition"]
    validate_scheme(scheme)


@pytest.mark.parametrize(
    ("part", "definition", "error"),
    [
        ("stances", 42, "stances[0].definition: must be a string."),
        ("roles", ["a list"], "roles[0].definition: must be a string."),
        (
            "roles",
            "x" * (MAX_DEFINITION_CHARS + 1),
            "roles[0].definition: must be at most 500 characters; this one has 501.",
        ),
        ("stances", "a\x00b", "stances[0].definition: contains a NUL character (U+0000)."),
    ],
)
def test_a_bad_definition_is_named(part, definition, error):
    scheme = default_scheme()
    scheme[part][0]["definition"] = definition

    with pytest.raises(ValidationError) as refused:
        validate_scheme(scheme)

    assert refused.value.messages == [error]


def test_the_longest_definition_is_accepted():
    scheme = default_scheme()
    scheme["roles"][1]["definition"] = "x" * MAX_DEFINITION_CHARS
    validate_scheme(scheme)
