"""Reads of the debate domain, each limited to what the asking user may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length

from debate.models import Actor, Debate, Document, Membership
from debate.permissions import DebateAccess

AnyUser = AbstractBaseUser | AnonymousUser


def debate_access(*, user: AnyUser, debate: Debate) -> DebateAccess:
    """Return the user's role in a debate (None when not a member) as a DebateAccess."""
    role = None
    if user.is_authenticated:
        # Unordered: one row at most, and Membership's default ordering would join the debate
        # and user tables into every request's permission check.
        role = (
            Membership.objects.filter(debate=debate, user=user)
            .order_by()
            .values_list("role", flat=True)
            .first()
        )
    return DebateAccess(
        user_id=user.pk,
        role=role,
        is_superuser=bool(getattr(user, "is_superuser", False)),
        debate_id=debate.pk,
    )


def debate_list(*, user: AnyUser) -> QuerySet[Debate]:
    """Return the debates a user may see, each annotated with the user's role in it."""
    my_role = Membership.objects.filter(debate=OuterRef("pk"), user=user.pk).values("role")[:1]
    return Debate.objects.visible_to(user).annotate(my_role=Subquery(my_role)).order_by("slug")


def debate_get(*, user: AnyUser, slug: str) -> Debate:
    """Return one visible debate by slug, with the user's role; raise Debate.DoesNotExist."""
    return debate_list(user=user).get(slug=slug)


def actor_list(*, user: AnyUser, debate: Debate) -> QuerySet[Actor]:
    """Return the actors of a debate the user may see."""
    return Actor.objects.visible_to(user).filter(debate=debate).order_by("name")


def member_list(*, debate: Debate) -> QuerySet[Membership]:
    """Return the memberships of a debate with their users."""
    return Membership.objects.filter(debate=debate).select_related("user").order_by("id")


def document_list(*, user: AnyUser, debate: Debate | None = None) -> QuerySet[Document]:
    """Return the visible documents (of one debate if given) with length and the user's status.

    ``my_status`` is the user's assignment status, read through the reverse relation so the
    debate app needs no import of the annotations app.
    """
    documents = Document.objects.visible_to(user)
    if debate is not None:
        documents = documents.filter(debate=debate)
    return (
        documents.select_related("debate")
        .annotate(
            mine=FilteredRelation("assignments", condition=Q(assignments__annotator=user.pk)),
            my_status=F("mine__status"),
            text_length=Length("text"),
        )
        .order_by("id")
    )


def document_get(*, user: AnyUser, pk: int) -> Document:
    """Return one visible document; raise Document.DoesNotExist when it is not visible."""
    return document_list(user=user).get(pk=pk)


def document_access_get(*, user: AnyUser, pk: int) -> tuple[Document, DebateAccess]:
    """Return one visible document (with its debate) and the user's access to that debate.

    One query for what ``document_get`` and ``debate_access`` read in two; without the text's
    length, which costs the database a pass over the whole text. Raise Document.DoesNotExist
    when the document is not visible.
    """
    my_role = Membership.objects.filter(debate=OuterRef("debate"), user=user.pk).values("role")
    document = (
        Document.objects.visible_to(user)
        .select_related("debate")
        .annotate(my_role=Subquery(my_role.order_by()[:1]))
        .get(pk=pk)
    )
    access = DebateAccess(
        user_id=user.pk,
        role=document.my_role,
        is_superuser=bool(getattr(user, "is_superuser", False)),
        debate_id=document.debate_id,
    )
    return document, access
