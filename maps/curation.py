"""Reviewers curate a map's merges: join two arguments or split one, and undo either.

Each decision is a ``MergeDecision`` row naming gold spans; ``maps.gold`` hands the decisions
not undone to every build, so they survive rebuilds and change the input hash. Creating or
undoing one asks for a new build in the same transaction, as a review decision does.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied, ValidationError

from annotations.models import Span
from debate.models import Debate, DocumentStatus
from debate.selectors import debate_access
from maps.builder import MapScheme
from maps.models import MapBuild, MergeDecision, MergeDecisionKind
from maps.services import map_build_request

CURATORS_ONLY = "Only reviewers of this debate curate its map's merges."
MAX_SPANS = 1000


def _check_curates(*, debate: Debate, by: AbstractBaseUser) -> None:
    # The same rule as writing gold: a decision changes what the map says the gold layer means.
    if not debate_access(user=by, debate=debate).writes_gold:
        raise PermissionDenied(CURATORS_ONLY)


def _groups_checked(
    *, debate: Debate, kind: str, spans: list[int], other_spans: list[int]
) -> tuple[list[int], list[int]]:
    """Return both groups sorted and unique; refuse groups that are empty, overlap, are not
    gold spans of the debate's adjudicated documents, or mix sides or kinds."""
    if kind not in MergeDecisionKind.values:
        raise ValidationError({"kind": [f"Not one of {', '.join(MergeDecisionKind.values)}."]})
    first, second = sorted(set(spans)), sorted(set(other_spans))
    if not first or not second:
        what = "the spans to split off and the rest" if kind == "split" else "two arguments"
        raise ValidationError({"non_field_errors": [f"A {kind} needs {what}, each non-empty."]})
    if len(first) + len(second) > MAX_SPANS:
        raise ValidationError({"non_field_errors": [f"At most {MAX_SPANS} spans."]})
    if set(first) & set(second):
        raise ValidationError({"other_spans": ["A span cannot be in both groups."]})
    rows = {
        pk: (stance, role)
        for pk, stance, role in Span.objects.filter(
            pk__in=[*first, *second],
            annotator__isnull=True,
            document__debate=debate,
            document__status=DocumentStatus.ADJUDICATED,
        ).values_list("pk", "stance", "role")
    }
    for name, group in (("spans", first), ("other_spans", second)):
        strangers = [pk for pk in group if pk not in rows]
        if strangers:
            raise ValidationError(
                {name: [f"Not gold spans of this debate's adjudicated documents: {strangers}."]}
            )
    scheme = MapScheme.from_dict(debate.scheme)
    kinds = {
        (scheme.stance_sides.get(stance), role in scheme.claim_roles)
        for stance, role in rows.values()
    }
    if len(kinds) != 1:
        raise ValidationError(
            {"non_field_errors": ["All spans must be of one side and one kind (claim or premise)."]}
        )
    return first, second


@transaction.atomic
def merge_decision_create(
    *, debate: Debate, kind: str, spans: list[int], other_spans: list[int], by: AbstractBaseUser
) -> tuple[MergeDecision, MapBuild]:
    """Record a reviewer's join or split of the debate's arguments; return it and the build
    asked for."""
    _check_curates(debate=debate, by=by)
    first, second = _groups_checked(debate=debate, kind=kind, spans=spans, other_spans=other_spans)
    decision = MergeDecision.objects.create(
        debate=debate, kind=kind, spans=first, other_spans=second, by=by
    )
    verb = "joined two arguments" if kind == "join" else "split an argument"
    build = map_build_request(
        debate=debate,
        reason=f"{by.get_username()} {verb} (decision {decision.pk})",
        requested_by=by,
    )
    return decision, build


@transaction.atomic
def merge_decision_undo(
    *, decision: MergeDecision, by: AbstractBaseUser
) -> tuple[MergeDecision, MapBuild]:
    """Undo a merge decision (the row stays, as history); return it and the build asked for."""
    _check_curates(debate=decision.debate, by=by)
    locked = MergeDecision.objects.select_for_update().get(pk=decision.pk)
    if locked.undone_at is not None:
        raise ValidationError({"non_field_errors": ["This decision is undone already."]})
    locked.undone_at, locked.undone_by = timezone.now(), by
    locked.save(update_fields=["undone_at", "undone_by"])
    build = map_build_request(
        debate=locked.debate,
        reason=f"{by.get_username()} undid merge decision {locked.pk}",
        requested_by=by,
    )
    return locked, build
