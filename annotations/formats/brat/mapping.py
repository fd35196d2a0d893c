"""How brat labels become Debatemap labels: the default mapping and a mapping file's rules."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotations.formats.brat.names import BRAT_ACTOR, BRAT_STANCE, actor_tokens, brat_name
from annotations.formats.rows import ExportActor
from debate.scheme import scheme_keys


class MappingInvalid(ValueError):
    """A label mapping names something the debate does not have, or has the wrong shape."""


@dataclass(frozen=True)
class AttributeRule:
    field: str  # stance, role or actor
    values: dict[str, str]  # brat value -> ours ("" for a binary attribute)


@dataclass
class BratMapping:
    """How brat labels become Debatemap labels; ``None`` means: leave such lines out."""

    entities: dict[str, dict[str, str] | None]
    attributes: dict[str, AttributeRule | None]
    relations: dict[str, str | None]
    defaults: dict[str, str]
    ignore: frozenset[str] = frozenset()


IGNORABLE_LINES = frozenset({"E", "N", "*", "M"})


def brat_mapping_default(*, scheme: dict[str, Any], actors: Iterable[ExportActor]) -> BratMapping:
    """Return the mapping that reads Debatemap's own brat export back unchanged."""
    actors = list(actors)
    tokens = actor_tokens(actors)
    names = {actor.id: actor.name for actor in actors}
    return BratMapping(
        entities={brat_name(key): {"role": key} for key in scheme_keys(scheme, "roles")},
        attributes={
            BRAT_STANCE: AttributeRule(
                "stance", {brat_name(key): key for key in scheme_keys(scheme, "stances")}
            ),
            BRAT_ACTOR: AttributeRule("actor", {token: names[pk] for pk, token in tokens.items()}),
        },
        relations={brat_name(key): key for key in scheme_keys(scheme, "relation_types")},
        defaults={},
    )


def brat_mapping_parse(
    data: Any, *, scheme: dict[str, Any], actors: Iterable[ExportActor]
) -> BratMapping:
    """Return a mapping file's rules laid over the default mapping; raise MappingInvalid.

    The file is a JSON object with any of::

        {"entities":   {"MajorClaim": {"role": "claim"}, "Claim": {"role": "claim",
                        "stance": "pro"}, "Other": null},
         "attributes": {"Stance": {"field": "stance", "values": {"For": "pro",
                        "Against": "contra"}}, "Speaker": {"field": "actor",
                        "values": {"RG": "Rani Govender"}}, "Confidence": null},
         "relations":  {"supports": "supports", "attacks": "attacks", "seeAlso": null},
         "defaults":   {"stance": "neutral", "role": "claim"},
         "ignore":     ["E", "N", "*"]}

    ``null`` leaves such annotations out. A binary attribute maps with ``{"field": "stance",
    "value": "contra"}``.
    """
    actors = list(actors)
    mapping = brat_mapping_default(scheme=scheme, actors=actors)
    if not isinstance(data, dict):
        raise MappingInvalid("The mapping must be a JSON object.")
    unknown = set(data) - {"entities", "attributes", "relations", "defaults", "ignore"}
    if unknown:
        raise MappingInvalid(f"Unknown mapping keys: {', '.join(sorted(unknown))}.")
    allowed = {
        "role": scheme_keys(scheme, "roles"),
        "stance": scheme_keys(scheme, "stances"),
        "actor": [actor.name for actor in actors],
    }

    def check(where: str, field_name: str, value: Any) -> str:
        if field_name not in allowed:
            raise MappingInvalid(f"{where}: unknown field {field_name!r}; use role, stance, actor.")
        if value not in allowed[field_name]:
            choices = ", ".join(allowed[field_name]) or "none"
            raise MappingInvalid(
                f"{where}: {value!r} is not a {field_name} of this debate ({choices})."
            )
        return value

    def section(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise MappingInvalid(f"{name}: must be an object.")
        return value

    for brat_type, rule in section("entities").items():
        where = f"entities.{brat_type}"
        if rule is None:
            mapping.entities[brat_type] = None
            continue
        if not isinstance(rule, dict) or not rule:
            raise MappingInvalid(f'{where}: must be an object such as {{"role": "claim"}}.')
        mapping.entities[brat_type] = {key: check(where, key, value) for key, value in rule.items()}
    for brat_attribute, rule in section("attributes").items():
        where = f"attributes.{brat_attribute}"
        if rule is None:
            mapping.attributes[brat_attribute] = None
            continue
        if not isinstance(rule, dict) or "field" not in rule:
            raise MappingInvalid(f"{where}: must be an object with field and values (or value).")
        field_name = rule["field"]
        if "value" in rule:
            values = {"": check(where, field_name, rule["value"])}
        elif isinstance(rule.get("values"), dict):
            values = {
                str(key): check(f"{where}.values.{key}", field_name, value)
                for key, value in rule["values"].items()
            }
        else:
            raise MappingInvalid(f"{where}: give values (an object) or value.")
        mapping.attributes[brat_attribute] = AttributeRule(field_name, values)
    relation_types = scheme_keys(scheme, "relation_types")
    for brat_type, ours in section("relations").items():
        if ours is not None and ours not in relation_types:
            raise MappingInvalid(
                f"relations.{brat_type}: {ours!r} is not a relation type of this debate "
                f"({', '.join(relation_types)})."
            )
        mapping.relations[brat_type] = ours
    for key, value in section("defaults").items():
        mapping.defaults[key] = check(f"defaults.{key}", key, value)
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not set(ignore) <= IGNORABLE_LINES:
        raise MappingInvalid(
            f"ignore: a list of line kinds among {', '.join(sorted(IGNORABLE_LINES))}."
        )
    mapping.ignore = frozenset(ignore)
    return mapping
