"""What a map build reads and what it makes: plain, immutable data, and the input error."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any, TypeVar, dataclass_transform

# Part of every input hash: bump it with any change that changes a built map, so that the same
# gold layer then makes a new version instead of matching one built by the old code.
BUILDER_VERSION = "argmap/3"
SIDES = ("pro", "contra", "neutral")
POLARITIES = ("support", "attack")
PROPOSITION_ID = "proposition"
CLAIM = "claim"
PREMISE = "premise"
DEFAULT_BASE_SCORE = 0.5
SAME_OFFSETS = "same-offsets"
# How a reviewer's decision shows in a merge step's ``method``.
REVIEWER_JOIN = "reviewer-join"
JOIN, SPLIT = "join", "split"

Id = int | str
# ``progress(fraction, stage)``: how far a build is, from 0 to 1, and what it does.
Progress = Callable[[float, str], object]


_Record = TypeVar("_Record", bound=type)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: _Record) -> _Record:
    """Return ``cls`` as a frozen dataclass with slots, made by a quicker ``__init__``.

    A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__``; this
    one calls each slot's descriptor, which is what that comes down to, without the look-ups:
    a build makes millions of these objects. Everything else is the dataclass's (equality,
    hash, repr, ``replace``, and ``FrozenInstanceError`` on assignment). Fields are plain: a
    default value at most (no factory, no ``__post_init__``).
    """
    cls = dataclasses.dataclass(frozen=True, slots=True)(cls)
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: record() does not call __post_init__")
    names: dict[str, Any] = {}
    parameters, lines = [], []
    for item in dataclasses.fields(cls):
        if not item.init or item.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{item.name}: record() takes plain fields")
        if item.default is dataclasses.MISSING:
            parameters.append(item.name)
        else:
            names[f"_default_{item.name}"] = item.default
            parameters.append(f"{item.name}=_default_{item.name}")
        names[f"_set_{item.name}"] = getattr(cls, item.name).__set__
        lines.append(f"    _set_{item.name}(self, {item.name})")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(lines or ["    pass"])
    exec(source, names)  # noqa: S102 - made here from the fields' names, as dataclasses does
    initialiser = names["__init__"]
    initialiser.__qualname__ = f"{cls.__qualname__}.__init__"
    initialiser.__doc__ = cls.__init__.__doc__
    cls.__init__ = initialiser
    return cls


class MapInputError(ValueError):
    """The input of a map build is inconsistent; ``problems`` names every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


# --- input ------------------------------------------------------------------------------------


@record
class MapScheme:
    """The parts of a debate's label scheme the builder needs."""

    stance_sides: Mapping[str, str]
    relation_polarities: Mapping[str, str]
    claim_roles: frozenset[str] = frozenset({CLAIM})

    @classmethod
    def from_dict(cls, scheme: Mapping[str, Any]) -> MapScheme:
        """Return the scheme of a debate's stored label scheme (stances, roles, relation types)."""
        return cls(
            stance_sides={item["key"]: item["side"] for item in scheme.get("stances", [])},
            relation_polarities={
                item["key"]: item["polarity"] for item in scheme.get("relation_types", [])
            },
        )


@record
class MapActor:
    """Who holds a position: a person, an organisation or a collective."""

    id: Id
    name: str
    kind: str = "person"
    affiliation: str = ""
    aliases: tuple[str, ...] = ()


@record
class MapDocument:
    """A document the gold spans point into; its title and publication day (ISO 8601,
    ``YYYY-MM-DD``, or None when unknown) go into every provenance record."""

    id: Id
    title: str
    published: str | None = None


@record
class GoldSpan:
    """An adjudicated span: ``quote`` is exactly ``text[start:end]`` in code points."""

    id: Id
    document_id: Id
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor_id: Id | None = None


@record
class GoldRelation:
    """A gold relation between two spans, typed by a key of the scheme's relation types."""

    source_id: Id
    target_id: Id
    type: str


@record
class CurationDecision:
    """A reviewer's decision about merging, naming gold spans in two groups.

    ``join``: the arguments of both groups are one argument. ``split``: the spans of
    ``spans`` are one argument, those of ``other_spans`` another, and similarity never
    merges them again. ``at`` is an ISO 8601 time: decisions apply in (at, id) order and,
    where two contradict, the later wins. A named span that is no longer in the gold layer
    makes the decision not applicable (a note of the map), never an error.
    """

    id: Id
    kind: str
    spans: tuple[Id, ...]
    other_spans: tuple[Id, ...]
    by: str
    at: str


@record
class MapInput:
    """Everything a build reads: the debate's proposition, scheme, actors and gold layer."""

    proposition: str
    scheme: MapScheme
    actors: Sequence[MapActor]
    documents: Sequence[MapDocument]
    spans: Sequence[GoldSpan]
    relations: Sequence[GoldRelation] = ()
    decisions: Sequence[CurationDecision] = ()


# --- output -----------------------------------------------------------------------------------


@record
class SourceSpan:
    """One gold span an argument node came from: its provenance."""

    span_id: str
    document_id: str
    document_title: str
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor_id: str | None
    published: str | None = None  # the document's publication day, YYYY-MM-DD


@record
class MergeStep:
    """Why two sources are one argument: the similarity that merged them (``score``,
    ``method``, ``basis``) or a reviewer's join (method ``reviewer-join``, with ``by``,
    ``at`` and ``decision``; its score is 1.0)."""

    span_id: str
    matched_span_id: str
    score: float
    method: str
    basis: str
    by: str | None = None
    at: str | None = None
    decision: str | None = None


@record
class CurationNote:
    """A reviewer's split that shaped an argument: who kept which spans apart from it, when."""

    decision: str
    kind: str
    by: str
    at: str
    span_ids: tuple[str, ...]


@record
class PropositionNode:
    """The claim both sides argue about, with its DF-QuAD strength."""

    id: str
    text: str
    strength: float


@record
class ArgumentNode:
    """A claim or premise: one or more paraphrased source spans of one side."""

    id: str
    kind: str
    side: str
    text: str
    sources: tuple[SourceSpan, ...]
    merges: tuple[MergeStep, ...]
    actors: tuple[str, ...]
    documents: tuple[str, ...]
    strength: float
    curation: tuple[CurationNote, ...] = ()


@record
class ActorNode:
    """An actor who voiced at least one argument, with their overall position."""

    id: str
    actor_id: str
    name: str
    kind: str
    affiliation: str
    aliases: tuple[str, ...]
    position: str
    span_count: int
    argument_count: int
    documents: tuple[str, ...]


@record
class RelationSource:
    """One gold relation behind an argument-to-argument edge."""

    source_span_id: str
    target_span_id: str
    type: str


@record
class MapEdge:
    """A support, attack or voiced edge, made by a relation, a stance or a speaker (origin)."""

    id: str
    kind: str
    source: str
    target: str
    origin: str
    count: int
    documents: tuple[str, ...]
    relations: tuple[RelationSource, ...] = ()


@record
class ActorPosition:
    """One row of the actor x position matrix."""

    actor: str
    name: str
    position: str
    sides: Mapping[str, int]
    arguments: Mapping[str, int]


@record
class StrengthReport:
    """How the strengths were computed and whether the iteration converged."""

    semantics: str
    base_score: float
    rounds: int
    converged: bool


@record
class ArgumentMap:
    """The built map: nodes and edges sorted by id, plus the actor x position matrix."""

    builder: str
    input_hash: str
    similarity: Mapping[str, Any]
    strength: StrengthReport
    proposition: PropositionNode
    arguments: tuple[ArgumentNode, ...]
    actors: tuple[ActorNode, ...]
    edges: tuple[MapEdge, ...]
    positions: tuple[ActorPosition, ...]
    notes: tuple[str, ...] = field(default=())

    def argument(self, node_id: str) -> ArgumentNode:
        """Return the argument node with this id."""
        for node in self.arguments:
            if node.id == node_id:
                return node
        raise KeyError(node_id)
