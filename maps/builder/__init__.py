"""The pure argument-map builder: a debate's gold layer in, a pro/contra argument map out.

No ORM and no I/O (import-linter's "pure" contract holds it): the map job reads the gold layer
through ``maps.gold`` and hands it over as a ``MapInput``. Code outside this package imports
from here; each module does one job:

- ``model``: the input and output data (``MapInput``, ``ArgumentMap``, ...) and ``MapInputError``;
- ``similarity``: when two spans are paraphrases (``ClaimSimilarity``, ``LexicalSimilarity``);
- ``semantic``, ``embedding``, ``negation``, ``neighbours``: merging by sentence vectors
  (``SemanticSimilarity``, ``CombinedSimilarity``, ``merge_similarity``), the packaged
  encoder and a build's ``EmbeddingTable``, the negation guard, the vectorised pair search;
- ``merge``: paraphrases into argument nodes, with the merge steps that explain them;
- ``edges``: relation, stance and voiced edges, actors and their positions;
- ``strength``: DF-QuAD strengths;
- ``hashing``: the input hash and the ids of nodes and edges;
- ``build``: ``build_map``, which puts these together;
- ``serialise`` and ``json_text``: the map as plain data and canonical JSON, and back;
- ``diff``: what changed between two maps, arguments matched by their sources;
- ``timeline``: each actor's positions by their documents' publication days;
- ``cache``: ``BuildCache``, what a worker's builds keep for the next one, passed in explicitly.

Determinism: the same input, in any order, gives the same map bytes, with a warm cache, a cold
one or none.
"""

from maps.builder.build import build_map
from maps.builder.cache import RECENT_GROUPS, BuildCache, Memo
from maps.builder.diff import ActorShift, ArgumentChange, ArgumentRegroup, MapDiff, map_diff
from maps.builder.embedding import (
    WORDLLAMA_MODEL,
    EmbeddingLookup,
    EmbeddingTable,
    TextEncoder,
    WordLlamaEncoder,
    embedding_key,
    normalise_text,
    vector_bytes,
    vector_from_bytes,
)
from maps.builder.hashing import input_hash
from maps.builder.model import (
    BUILDER_VERSION,
    CLAIM,
    DEFAULT_BASE_SCORE,
    JOIN,
    POLARITIES,
    PREMISE,
    PROPOSITION_ID,
    REVIEWER_JOIN,
    SAME_OFFSETS,
    SIDES,
    SPLIT,
    ActorNode,
    ActorPosition,
    ArgumentMap,
    ArgumentNode,
    CurationDecision,
    CurationNote,
    GoldRelation,
    GoldSpan,
    Id,
    MapActor,
    MapDocument,
    MapEdge,
    MapInput,
    MapInputError,
    MapScheme,
    MergeStep,
    Progress,
    PropositionNode,
    RelationSource,
    SourceSpan,
    StrengthReport,
)
from maps.builder.negation import negation_guard
from maps.builder.semantic import (
    COMBINED,
    LEXICAL,
    MERGE_METHODS,
    SEMANTIC,
    CombinedSimilarity,
    SemanticSimilarity,
    merge_similarity,
)
from maps.builder.serialise import (
    map_from_dict,
    map_json_pieces,
    map_to_dict,
    map_to_json,
    map_to_json_bytes,
)
from maps.builder.similarity import (
    DEFAULT_SIMILARITY,
    ClaimSimilarity,
    LexicalSimilarity,
    content_words,
    jaccard,
)
from maps.builder.strength import (
    DFQUAD_MAX_ROUNDS,
    DFQUAD_PLAIN_ROUNDS,
    DFQUAD_TOLERANCE,
    StrengthResult,
    dfquad_combine,
    dfquad_strengths,
)
from maps.builder.timeline import ActorTimeline, TimelinePoint, actor_timelines
from maps.builder.words import STOPWORDS, stem

__all__ = [
    "BUILDER_VERSION",
    "CLAIM",
    "COMBINED",
    "DEFAULT_BASE_SCORE",
    "DEFAULT_SIMILARITY",
    "DFQUAD_MAX_ROUNDS",
    "DFQUAD_PLAIN_ROUNDS",
    "DFQUAD_TOLERANCE",
    "JOIN",
    "LEXICAL",
    "MERGE_METHODS",
    "POLARITIES",
    "PREMISE",
    "PROPOSITION_ID",
    "RECENT_GROUPS",
    "REVIEWER_JOIN",
    "SAME_OFFSETS",
    "SEMANTIC",
    "SIDES",
    "SPLIT",
    "STOPWORDS",
    "WORDLLAMA_MODEL",
    "ActorNode",
    "ActorPosition",
    "ActorShift",
    "ActorTimeline",
    "ArgumentChange",
    "ArgumentMap",
    "ArgumentNode",
    "ArgumentRegroup",
    "BuildCache",
    "ClaimSimilarity",
    "CombinedSimilarity",
    "CurationDecision",
    "CurationNote",
    "EmbeddingLookup",
    "EmbeddingTable",
    "GoldRelation",
    "GoldSpan",
    "Id",
    "LexicalSimilarity",
    "MapActor",
    "MapDiff",
    "MapDocument",
    "MapEdge",
    "MapInput",
    "MapInputError",
    "MapScheme",
    "Memo",
    "MergeStep",
    "Progress",
    "PropositionNode",
    "RelationSource",
    "SemanticSimilarity",
    "SourceSpan",
    "StrengthReport",
    "StrengthResult",
    "TextEncoder",
    "TimelinePoint",
    "WordLlamaEncoder",
    "actor_timelines",
    "build_map",
    "content_words",
    "dfquad_combine",
    "dfquad_strengths",
    "embedding_key",
    "input_hash",
    "jaccard",
    "map_diff",
    "map_from_dict",
    "map_json_pieces",
    "map_to_dict",
    "map_to_json",
    "map_to_json_bytes",
    "merge_similarity",
    "negation_guard",
    "normalise_text",
    "stem",
    "vector_bytes",
    "vector_from_bytes",
]
