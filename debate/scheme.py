"""The label scheme of a debate: stances with their side, argument roles and relation types.

A scheme is plain data stored on the debate, so a second debate can use other labels. This
module owns its shape: the default, validation, and look-ups used by the annotation services.
"""

from typing import Any

from django.core.exceptions import ValidationError

SIDES = ("pro", "contra", "neutral")
POLARITIES = ("support", "attack")
# Stances and roles may carry a definition: plain text the tag form shows beside the label.
DEFINED_PARTS = ("stances", "roles")
MAX_DEFINITION_CHARS = 500

DEFAULT_SCHEME: dict[str, list[dict[str, str]]] = {
    "stances": [
        {
            "key": "pro",
            "label": "Pro",
            "side": "pro",
            "color": "#1f6feb",
            "definition": "The passage argues for the debate's proposition: if it is right, "
            "the proposition is more likely to be true or more worth doing.",
        },
        {
            "key": "contra",
            "label": "Contra",
            "side": "contra",
            "color": "#c2410c",
            "definition": "The passage argues against the debate's proposition: if it is "
            "right, the proposition is less likely to be true or less worth doing.",
        },
        {
            "key": "neutral",
            "label": "Neutral",
            "side": "neutral",
            "color": "#57606a",
            "definition": "The passage is part of the argument but takes no side on the "
            "proposition: a fact both sides accept, a question, or a balanced summary.",
        },
    ],
    "roles": [
        {
            "key": "claim",
            "label": "Claim",
            "definition": "A position someone wants the reader to accept about the debate: "
            "what should happen or what is the case. It can stand on its own as an answer "
            "to the proposition.",
        },
        {
            "key": "premise",
            "label": "Premise",
            "definition": "A reason, fact, example or figure given to back up or undermine a "
            'claim; it answers "why?" for a claim rather than taking a position itself.',
        },
    ],
    "relation_types": [
        {"key": "supports", "label": "Supports", "polarity": "support"},
        {"key": "attacks", "label": "Attacks", "polarity": "attack"},
    ],
}


def default_scheme() -> dict[str, list[dict[str, str]]]:
    """Return a fresh copy of the default label scheme."""
    return {part: [dict(item) for item in items] for part, items in DEFAULT_SCHEME.items()}


def _check_entries(
    scheme: dict[str, Any], part: str, extra: str | None, allowed: tuple[str, ...] | None
) -> list[str]:
    errors: list[str] = []
    items = scheme.get(part)
    if not isinstance(items, list) or not items:
        return [f"{part}: must be a non-empty list."]
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"{part}[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{where}: must be an object.")
            continue
        key = item.get("key")
        if not isinstance(key, str) or not key.strip() or len(key) > 32:
            errors.append(f"{where}.key: must be a non-empty string of at most 32 characters.")
        elif key in seen:
            errors.append(f"{where}.key: {key!r} is used twice.")
        else:
            seen.add(key)
        if not isinstance(item.get("label", ""), str):
            errors.append(f"{where}.label: must be a string.")
        if part in DEFINED_PARTS and "definition" in item:
            errors += _check_definition(item["definition"], where)
        if extra is not None and allowed is not None and item.get(extra) not in allowed:
            errors.append(f"{where}.{extra}: must be one of {', '.join(allowed)}.")
    return errors


def _check_definition(definition: Any, where: str) -> list[str]:
    if not isinstance(definition, str):
        return [f"{where}.definition: must be a string."]
    if len(definition) > MAX_DEFINITION_CHARS:
        return [
            f"{where}.definition: must be at most {MAX_DEFINITION_CHARS} characters; "
            f"this one has {len(definition)}."
        ]
    if "\x00" in definition:
        return [f"{where}.definition: contains a NUL character (U+0000)."]
    return []


def validate_scheme(scheme: Any) -> None:
    """Raise ValidationError naming every problem of a label scheme."""
    if not isinstance(scheme, dict):
        raise ValidationError(
            "The label scheme must be an object with stances, roles and relation_types."
        )
    errors = (
        _check_entries(scheme, "stances", "side", SIDES)
        + _check_entries(scheme, "roles", None, None)
        + _check_entries(scheme, "relation_types", "polarity", POLARITIES)
    )
    unknown = set(scheme) - set(DEFAULT_SCHEME)
    if unknown:
        errors.append(f"unknown parts: {', '.join(sorted(unknown))}.")
    if errors:
        raise ValidationError(errors)


def scheme_keys(scheme: dict[str, Any], part: str) -> list[str]:
    """Return the keys of one part of a scheme, in their order."""
    return [item["key"] for item in scheme.get(part, [])]


def stance_side(scheme: dict[str, Any], stance: str) -> str | None:
    """Return the side (pro, contra, neutral) a stance stands for, or None if unknown."""
    for item in scheme.get("stances", []):
        if item["key"] == stance:
            return item["side"]
    return None
