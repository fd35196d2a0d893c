"""Reads of argument maps and their builds, each limited to what the asking user may see."""

import orjson
from django.db.models import QuerySet

from core.db.text_bytes import text_bytes_read, text_bytes_read_many
from debate.models import Debate, DocumentStatus
from debate.selectors import AnyUser
from maps.builder import ArgumentMap, map_from_dict
from maps.models import LARGE_FIELDS, MapBuild, MapChunk, MapVersion, MergeDecision

# How many of a debate's latest builds the map list shows.
LATEST_BUILDS = 10


def map_version_list(*, debate: Debate) -> QuerySet[MapVersion]:
    """Return a debate's map versions, newest first, without their (large) graphs."""
    return MapVersion.objects.filter(debate=debate).defer(*LARGE_FIELDS).order_by("-id")


def map_version_get(*, user: AnyUser, pk: int) -> MapVersion:
    """Return one map version of a debate the user is a member of; raise DoesNotExist.

    Without its graph (tens of megabytes on a big map): ``map_version_graph_bytes`` reads it
    as it is stored, ``map_version_map`` parsed.
    """
    return (
        MapVersion.objects.select_related("debate")
        .defer(*LARGE_FIELDS)
        .get(pk=pk, debate__in=Debate.objects.visible_to(user))
    )


def map_version_graph_bytes(*, version: MapVersion) -> bytes:
    """Return a version's stored graph JSON as UTF-8 bytes, as stored: no JSON parsing.

    Only for a version already checked with ``map_version_get``; raise DoesNotExist if it
    went away since. Tens of megabytes are never decoded to a str and encoded back. The text
    is the version's chunks joined in order, or its ``graph_json`` if it was stored whole.
    """
    digests = MapVersion.objects.filter(pk=version.pk).values_list("chunks", flat=True).get()
    if not digests:
        return text_bytes_read(MapVersion, pk=version.pk, column="graph_json")
    texts = text_bytes_read_many(MapChunk, key="digest", column="text", keys=list(set(digests)))
    return b"".join(texts[digest] for digest in digests)


def map_version_map(*, version: MapVersion) -> ArgumentMap:
    """Return a version's stored map, parsed; only for a version already checked with
    ``map_version_get``."""
    return map_from_dict(orjson.loads(map_version_graph_bytes(version=version)))


def map_version_before(*, version: MapVersion) -> MapVersion | None:
    """Return the version of the same debate made just before this one, or None for its first.

    Ids grow with creation, as the version list's order assumes.
    """
    return (
        MapVersion.objects.filter(debate_id=version.debate_id, pk__lt=version.pk)
        .defer(*LARGE_FIELDS)
        .order_by("-pk")
        .first()
    )


def map_version_of_debate(*, debate: Debate, pk: int) -> MapVersion:
    """Return one version of this debate's map, without its graph; raise DoesNotExist."""
    return MapVersion.objects.defer(*LARGE_FIELDS).get(debate=debate, pk=pk)


def map_build_list(*, debate: Debate, limit: int = LATEST_BUILDS) -> list[MapBuild]:
    """Return a debate's latest builds, newest first."""
    return list(
        MapBuild.objects.filter(debate=debate)
        .select_related("debate", "requested_by")
        .order_by("-requested_at", "-id")[:limit]
    )


def map_build_get(*, user: AnyUser, pk: int) -> MapBuild:
    """Return one build of a debate the user is a member of; raise DoesNotExist."""
    return MapBuild.objects.select_related("debate", "requested_by").get(
        pk=pk, debate__in=Debate.objects.visible_to(user)
    )


def adjudicated_document_count(*, debate: Debate) -> int:
    """Return how many of a debate's documents are adjudicated, i.e. feed its map."""
    return debate.documents.filter(status=DocumentStatus.ADJUDICATED).count()


def merge_decision_list(*, debate: Debate) -> QuerySet[MergeDecision]:
    """Return a debate's merge decisions, undone ones too, newest first."""
    return MergeDecision.objects.filter(debate=debate).select_related("by", "undone_by")


def merge_decision_get(*, debate: Debate, pk: int) -> MergeDecision:
    """Return one of the debate's merge decisions; raise DoesNotExist for another debate's."""
    return MergeDecision.objects.select_related("debate", "by", "undone_by").get(
        debate=debate, pk=pk
    )
