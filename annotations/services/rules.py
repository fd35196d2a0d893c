"""The rules a span and a relation keep, whoever writes them: checked before every write.

Each function returns every reason a write cannot be stored, by field, so a form, an API
answer or an import report can name them all at once.
"""

import unicodedata
from collections.abc import Iterable
from typing import Any

from annotations.models import GOLD, Span
from debate.models import Actor, Document
from debate.scheme import scheme_keys

_ZWJ = "\u200d"


def _is_regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def splits_character(text: str, index: int) -> bool:
    """Return whether an offset falls inside a user-perceived character of ``text``.

    Covers what real text holds (combining and spacing marks, emoji modifiers, variation
    selectors and tags, zero-width-joiner sequences, flag pairs) rather than all of UAX #29.
    """
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    if unicodedata.category(after) in {"Mn", "Me", "Mc"}:
        return True
    if after == _ZWJ or before == _ZWJ:
        return True
    if "\U0001f3fb" <= after <= "\U0001f3ff" or "\U000e0020" <= after <= "\U000e007f":
        return True
    if _is_regional_indicator(before) and _is_regional_indicator(after):
        run = 0
        while index - run - 1 >= 0 and _is_regional_indicator(text[index - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def _boundary_error(text: str, index: int) -> str | None:
    if not splits_character(text, index):
        return None
    left, right = index, index
    while splits_character(text, left):
        left -= 1
    while splits_character(text, right):
        right += 1
    codes = " ".join(f"U+{ord(char):04X}" for char in text[left:right])
    return (
        f"Offset {index} falls inside the character {text[left:right]!r} ({codes}); "
        f"use {left} or {right}. Offsets count code points, not UTF-16 units."
    )


def debate_actor_ids(document: Document, ids: Iterable[int]) -> set[int]:
    """Return those of ``ids`` that are actors of the document's debate."""
    ids = set(ids)
    if not ids:
        return set()
    return set(
        Actor.objects.filter(debate_id=document.debate_id, pk__in=ids).values_list("pk", flat=True)
    )


def span_errors(*, document: Document, values: dict[str, Any]) -> dict[str, list[str]]:
    """Return every reason a span with these values cannot be stored, by field.

    Offsets are code points of the text, half-open, never inside a character; the quote is
    exactly the text between them; stance and role come from the debate's scheme, the actor
    from its actors.
    """
    errors: dict[str, list[str]] = {}
    text = document.text
    start, end, quote = values["start"], values["end"], values["quote"]
    if start < 0:
        errors["start"] = ["Must be 0 or more."]
    elif start >= len(text):
        errors["start"] = [f"Must be less than {len(text)}, the length of the text."]
    if end > len(text):
        errors["end"] = [f"Must be at most {len(text)}, the length of the text in code points."]
    elif end <= start:
        errors["end"] = ["Must be greater than start: a span covers at least one character."]
    if not errors:
        for field, index in (("start", start), ("end", end)):
            message = _boundary_error(text, index)
            if message:
                errors[field] = [message]
        expected = text[start:end]
        if quote != expected:
            errors["quote"] = [f"Must equal text[{start}:{end}], which is {expected!r}."]
    scheme = document.debate.scheme
    for field, part in (("stance", "stances"), ("role", "roles")):
        keys = scheme_keys(scheme, part)
        if values[field] not in keys:
            errors[field] = [f"Must be one of this debate's {part}: {', '.join(keys)}."]
    actor = values.get("actor")
    if actor is not None and not debate_actor_ids(document, [actor]):
        errors["actor"] = [f"No actor {actor} in this debate."]
    # PostgreSQL cannot store U+0000 in text; refused here, every write path refuses it alike
    # (test_a_nul_in_a_brat_note_rejects_its_document_with_a_report_and_keeps_the_others).
    if "\x00" in (values.get("note") or ""):
        errors["note"] = ["Contains a NUL character (U+0000), which cannot be stored."]
    return errors


def _layer_of(span: Span) -> str:
    return GOLD if span.annotator_id is None else span.annotator.get_username()


def relation_errors(
    *, document: Document, source: Span, target: Span, type: str
) -> dict[str, list[str]]:
    """Return every reason a relation between two spans cannot be stored, by field.

    Both spans are in the document and in one layer, they are two, and the type comes from
    the debate's scheme.
    """
    errors: dict[str, list[str]] = {}
    for field, span in (("source", source), ("target", target)):
        if span.document_id != document.pk:
            errors[field] = [f"Span {span.pk} is not in this document."]
    if not errors and source.annotator_id != target.annotator_id:
        errors["target"] = [
            f"Must be in the same layer as the source ({_layer_of(source)}), "
            f"not {_layer_of(target)}."
        ]
    if not errors and source.pk == target.pk:
        errors["target"] = ["A span cannot be related to itself."]
    keys = scheme_keys(document.debate.scheme, "relation_types")
    if type not in keys:
        errors["type"] = [f"Must be one of this debate's relation types: {', '.join(keys)}."]
    return errors
