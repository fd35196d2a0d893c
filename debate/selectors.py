"""Reads of the debate domain, each limited to what the asking user may see."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connections
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Length

from core.db.compiled import CompiledQuery
from debate.models import (
    GUIDELINES_READER_ROLES,
    LAYER_READER_ROLES,
    Actor,
    Debate,
    Document,
    Guidelines,
    GuidelinesRead,
    Membership,
)
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


def member_candidates(*, user: AnyUser) -> QuerySet[AbstractBaseUser]:
    """Return the active users a manager may add to a debate, ordered by username.

    Only names the manager already sees: members of the debates where they read the member
    list (reviewer, manager, researcher), and new accounts that belong to no debate yet.
    Anyone else answers like a name nobody has, so adding members cannot probe who has an
    account. A superuser may add any active user.
    """
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    if getattr(user, "is_superuser", False):
        return users
    seen = Membership.objects.filter(
        debate__memberships__user=user.pk, debate__memberships__role__in=LAYER_READER_ROLES
    ).values("user")
    in_no_debate = ~Exists(Membership.objects.filter(user=OuterRef("pk")))
    return users.filter(Q(pk__in=seen) | in_no_debate)


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
    """Return one visible document; raise Document.DoesNotExist when it is not visible.

    The document is the one ``document_list`` gives: its debate, ``text_length`` and
    ``my_status`` read with it.
    """
    if not (user.is_authenticated and _fits_key(Document, pk)):
        return document_list(user=user).get(pk=pk)
    # Compiled once per shape of user, as document_access_get is: building and compiling
    # this queryset cost more CPU than the rest of a document's GET.
    row = DOCUMENT_DETAIL.first(
        shape={
            "is_superuser": user.is_superuser,
            "is_staff": user.is_staff,
            "is_active": user.is_active,
        },
        user_id=user.pk,
        pk=pk,
    )
    if row is None:
        raise Document.DoesNotExist("Document matching query does not exist.")
    db = Document.objects.db
    split = len(_DOCUMENT_FIELDS)
    document = Document.from_db(db, _DOCUMENT_FIELDS, row[:split])
    document.debate = Debate.from_db(db, _DEBATE_FIELDS, row[split:-2])
    document.my_status, document.text_length = row[-2:]
    return document


def documents_held(*, debate: Debate, hashes: set[str]) -> dict[str, int]:
    """Return the ids of the debate's documents whose text has one of these SHA-256 hashes."""
    if not hashes:
        return {}
    rows = Document.objects.filter(debate=debate, sha256__in=hashes)
    return dict(rows.values_list("sha256", "pk"))


def _document_access_rows(*, user: AnyUser, pk: int, text: bool) -> QuerySet:
    """Return the row ``document_access_get`` reads: document, debate, the user's role."""
    my_role = Membership.objects.filter(debate=OuterRef("debate"), user=user.pk).values("role")
    return (
        Document.objects.visible_to(user)
        .annotate(my_role=Subquery(my_role.order_by()[:1]))
        .filter(pk=pk)
        .values_list(
            *_document_fields(text),
            *(f"debate__{name}" for name in _DEBATE_FIELDS),
            "my_role",
        )
    )


def _document_fields(text: bool) -> tuple[str, ...]:
    return _DOCUMENT_FIELDS if text else tuple(name for name in _DOCUMENT_FIELDS if name != "text")


def _fits_key(model: type[Model], pk: int) -> bool:
    # A key outside the column's range matches nothing; the ORM knows how to say so on every
    # database (SQLite cannot even take the number), so such a key goes the ORM's way.
    connection = connections[model.objects.db]
    low, high = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
    return (low is None or low <= pk) and (high is None or pk <= high)


def _stand_in_user(*, user_id: int, **flags: bool) -> AbstractBaseUser:
    # What visible_to may branch on is in the shape, so users alike in it share one SQL.
    return get_user_model()(pk=user_id, **flags)


_DOCUMENT_FIELDS = tuple(field.attname for field in Document._meta.concrete_fields)
_DEBATE_FIELDS = tuple(field.attname for field in Debate._meta.concrete_fields)
DOCUMENT_DETAIL = CompiledQuery(
    lambda *, user_id, pk, **flags: (
        document_list(user=_stand_in_user(user_id=user_id, **flags))
        .filter(pk=pk)
        .values_list(
            *_DOCUMENT_FIELDS,
            *(f"debate__{name}" for name in _DEBATE_FIELDS),
            "my_status",
            "text_length",
        )
    )
)
DOCUMENT_ACCESS = CompiledQuery(
    lambda *, user_id, pk, text, **flags: _document_access_rows(
        user=_stand_in_user(user_id=user_id, **flags), pk=pk, text=text
    )
)


def document_access_get(
    *, user: AnyUser, pk: int, text: bool = True
) -> tuple[Document, DebateAccess]:
    """Return one visible document (with its debate) and the user's access to that debate.

    One query for what ``document_get`` and ``debate_access`` read in two; without the text's
    length, which costs the database a pass over the whole text, and without the text itself
    when ``text`` is False (read on first use then). Raise Document.DoesNotExist when the
    document is not visible.
    """
    if user.is_authenticated and _fits_key(Document, pk):
        # Compiled once per shape of user: the ORM took longer compiling this query than the
        # database took answering it, on every request under a document.
        row = DOCUMENT_ACCESS.first(
            shape={
                "text": text,
                "is_superuser": user.is_superuser,
                "is_staff": user.is_staff,
                "is_active": user.is_active,
            },
            user_id=user.pk,
            pk=pk,
        )
    else:
        row = _document_access_rows(user=user, pk=pk, text=text).first()
    if row is None:
        raise Document.DoesNotExist("Document matching query does not exist.")
    db = Document.objects.db
    fields = _document_fields(text)
    document = Document.from_db(db, fields, row[: len(fields)])
    document.debate = Debate.from_db(db, _DEBATE_FIELDS, row[len(fields) : -1])
    access = DebateAccess(
        user_id=user.pk,
        role=row[-1],
        is_superuser=bool(getattr(user, "is_superuser", False)),
        debate_id=document.debate_id,
    )
    return document, access


def scheme_labels_in_use(*, debate: Debate) -> dict[str, QuerySet]:
    """Return, per scheme part, the labels the debate's annotations use (querysets of keys).

    Read through the documents' reverse relations (``spans``, ``relations``), so the corpus
    domain can protect its scheme without importing the app that stores annotations.
    """
    documents = Document.objects.filter(debate=debate)
    return {
        "stances": documents.filter(spans__isnull=False).values_list("spans__stance", flat=True),
        "roles": documents.filter(spans__isnull=False).values_list("spans__role", flat=True),
        "relation_types": documents.filter(relations__isnull=False).values_list(
            "relations__type", flat=True
        ),
    }


# --- Guidelines -------------------------------------------------------------------------------
def guidelines_history(*, debate: Debate) -> QuerySet[Guidelines]:
    """Return every version of a debate's guidelines, newest first, with who published it."""
    return (
        Guidelines.objects.filter(debate=debate).select_related("created_by").order_by("-version")
    )


def guidelines_current(*, debate: Debate) -> Guidelines | None:
    """Return the current (highest) version of a debate's guidelines, or None if none yet."""
    return guidelines_history(debate=debate).first()


def guidelines_version_get(*, debate: Debate, version: int) -> Guidelines:
    """Return one version of a debate's guidelines; raise Guidelines.DoesNotExist."""
    return guidelines_history(debate=debate).get(version=version)


def guidelines_to_read(*, access: DebateAccess, debate: Debate) -> Guidelines | None:
    """Return the current guidelines if this member must still confirm reading them, else None.

    Annotators and reviewers are asked once per new version; managers and researchers never.
    """
    if access.role not in GUIDELINES_READER_ROLES:
        return None
    current = guidelines_current(debate=debate)
    if current is None:
        return None
    if GuidelinesRead.objects.filter(guidelines=current, user=access.user_id).exists():
        return None
    return current


def guidelines_readers(*, guidelines: Guidelines) -> dict[str, list[str]]:
    """Return the usernames of the members asked to read a version: who did and who not yet."""
    asked = (
        Membership.objects.filter(debate=guidelines.debate_id, role__in=GUIDELINES_READER_ROLES)
        .annotate(
            has_read=Exists(
                GuidelinesRead.objects.filter(guidelines=guidelines, user=OuterRef("user"))
            )
        )
        .order_by("user__username")
        .values_list("user__username", "has_read")
    )
    readers: dict[str, list[str]] = {"read": [], "unread": []}
    for username, has_read in asked:
        readers["read" if has_read else "unread"].append(username)
    return readers
