"""Writes of the debate domain: debates, members, actors and documents."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from debate.models import (
    MAX_GUIDELINES_CHARS,
    MAX_TEXT_CHARS,
    Actor,
    ActorKind,
    Debate,
    Document,
    Guidelines,
    GuidelinesRead,
    Membership,
    Role,
    text_too_long,
)
from debate.scheme import default_scheme, validate_scheme
from debate.text import normalize_text, text_sha256
from debate.titles import headline

User = get_user_model()

# Words the API reads as layer names (?layer=mine|gold|all), so no user may be called that.
RESERVED_USERNAMES = frozenset({"mine", "gold", "all"})


@transaction.atomic
def debate_create(
    *,
    slug: str,
    title: str,
    proposition: str,
    scheme: dict[str, Any] | None = None,
    annotators_see_maps: bool = False,
    remember_last_choice: bool = False,
) -> Debate:
    """Create a debate with a validated label scheme (the default one unless given)."""
    scheme = default_scheme() if scheme is None else scheme
    validate_scheme(scheme)
    debate = Debate(
        slug=slug,
        title=title,
        proposition=proposition,
        scheme=scheme,
        annotators_see_maps=annotators_see_maps,
        remember_last_choice=remember_last_choice,
    )
    debate.full_clean()
    debate.save()
    return debate


@dataclass(frozen=True)
class MemberChange:
    user: AbstractBaseUser
    user_created: bool
    password_set: bool
    role_before: str | None
    role_after: str

    def describe(self, debate: Debate) -> str:
        """Return one line per change, for a person at a terminal."""
        lines = []
        if self.user_created:
            lines.append(f"Created user {self.user.get_username()!r}.")
        elif self.password_set:
            lines.append(f"Set a new password for {self.user.get_username()!r}.")
        if self.role_before is None:
            lines.append(
                f"Added {self.user.get_username()!r} to {debate.slug} as {self.role_after}."
            )
        elif self.role_before != self.role_after:
            lines.append(
                f"Changed {self.user.get_username()!r} in {debate.slug} "
                f"from {self.role_before} to {self.role_after}."
            )
        else:
            lines.append(
                f"{self.user.get_username()!r} already is {self.role_after} of {debate.slug}."
            )
        return "\n".join(lines)


@transaction.atomic
def member_add(
    *, debate: Debate, username: str, role: str, password: str | None = None
) -> MemberChange:
    """Make a user (created if needed) a member of a debate with a role; report what changed."""
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Unknown role {role!r}; use one of {', '.join(Role.values)}."}
        )
    user = User.objects.filter(username=username).first()
    user_created = user is None
    if user_created:
        if username.lower() in RESERVED_USERNAMES:
            raise ValidationError(
                {"username": f"{username!r} names a layer in the API (?layer=); choose another."}
            )
        user = User(username=username)
        user.full_clean(exclude=["password"])
    if password is not None:
        # The same rules as every other way to set a password (AUTH_PASSWORD_VALIDATORS).
        validate_password(password, user)
        user.set_password(password)
    elif user_created:
        user.set_unusable_password()
    user.save()
    membership = Membership.objects.filter(debate=debate, user=user).first()
    role_before = membership.role if membership else None
    if membership is None:
        Membership.objects.create(debate=debate, user=user, role=role)
    elif membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    staff_follow_role(user=user, role_before=role_before, role=role)
    return MemberChange(
        user=user,
        user_created=user_created,
        password_set=password is not None,
        role_before=role_before,
        role_after=role,
    )


def staff_follow_role(*, user: AbstractBaseUser, role_before: str | None, role: str | None) -> None:
    """Give a manager admin access (is_staff), and take it from one who manages no debate now.

    Managers work in the Django admin, scoped to their debates; a demoted or removed manager
    must not keep creating debates and granting roles. Superusers keep theirs. ``role`` None:
    the membership was removed.
    """
    if role == Role.MANAGER and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    elif (
        role_before == Role.MANAGER
        and role != Role.MANAGER
        and user.is_staff
        and not user.is_superuser
        and not Membership.objects.filter(user=user, role=Role.MANAGER).exists()
    ):
        user.is_staff = False
        user.save(update_fields=["is_staff"])


@transaction.atomic
def actor_create(
    *,
    debate: Debate,
    name: str,
    kind: str = ActorKind.PERSON,
    affiliation: str = "",
    aliases: list[str] | None = None,
) -> Actor:
    """Create an actor of a debate after validating its fields."""
    actor = Actor(
        debate=debate, name=name, kind=kind, affiliation=affiliation, aliases=aliases or []
    )
    actor.full_clean()
    actor.save()
    return actor


@dataclass(frozen=True)
class DocumentInput:
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None


def _single_line(value: str) -> str:
    """Return a title or source in NFC on one line, without surrounding spaces."""
    return re.sub(r"[ \t\n]+", " ", normalize_text(value)).strip(" ")


def document_text_clean(data: DocumentInput) -> str:
    """Return a document's text as it is stored (NFC, ``\\n``), or raise naming the field."""
    text = normalize_text(data.text)
    if not text.strip():
        raise ValidationError({"text": "The text is empty."})
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError({"text": text_too_long(len(text))})
    # PostgreSQL cannot store NUL in text columns; refuse it the same way on every backend.
    nul = [name for name in ("text", "title", "source", "url") if "\x00" in getattr(data, name)]
    if nul:
        raise ValidationError({name: "Contains a NUL character (U+0000)." for name in nul})
    return text


def document_build(*, debate: Debate, data: DocumentInput, text: str, sha256: str) -> Document:
    """Return the unsaved, validated document of a clean text (``document_text_clean``)."""
    source = _single_line(data.source)[:300]
    document = Document(
        debate_id=debate.pk,
        text=text,
        # Without a title, the headline: not the masthead, byline or date above it.
        title=(_single_line(data.title) or headline(text, source=source))[:300],
        source=source,
        url=data.url.strip(),
        published=data.published,
        sha256=sha256,
    )
    # Every other field is valid as built (cut to its length, a date or None, a non-empty
    # text, its hash), so only the URL is checked: a full_clean of each document would cost
    # a bulk import a third of its time (docs/BENCHMARKS.md).
    if document.url:
        try:
            Document._meta.get_field("url").clean(document.url, document)
        except ValidationError as exc:
            raise ValidationError({"url": exc.messages}) from None
    return document


def document_create(*, debate: Debate, data: DocumentInput) -> tuple[Document, bool]:
    """Create a document from raw text unless the debate holds the same text; return (doc, created).

    The text is normalised first, so the duplicate check compares what would be stored.
    """
    text = document_text_clean(data)
    sha256 = text_sha256(text)
    existing = Document.objects.filter(debate=debate, sha256=sha256).first()
    if existing is not None:
        return existing, False
    document = document_build(debate=debate, data=data, text=text, sha256=sha256)
    document.debate = debate
    with transaction.atomic():
        document.save()
    return document, True


# --- Guidelines -------------------------------------------------------------------------------
class GuidelinesStale(Exception):
    """Another version of the guidelines was published after the editor read them."""

    def __init__(self, current_version: int):
        super().__init__(
            f"Version {current_version} of the guidelines was published after the one you "
            "edited; read it and publish your changes again."
        )
        self.current_version = current_version


@dataclass(frozen=True)
class GuidelinesPublished:
    guidelines: Guidelines
    created: bool  # False: the text equals the current version's, which stays current


def guidelines_text_clean(text: str) -> str:
    """Return guidelines text as stored (NFC, ``\\n``, no blank lines around it) or raise."""
    # PostgreSQL cannot store NUL in text columns; refuse it the same way on every backend.
    if "\x00" in text:
        raise ValidationError({"text": "Contains a NUL character (U+0000)."})
    text = normalize_text(text).strip("\n").rstrip()
    if not text.strip():
        raise ValidationError({"text": "The guidelines are empty: write them before publishing."})
    if len(text) > MAX_GUIDELINES_CHARS:
        raise ValidationError(
            {
                "text": f"Must be at most {MAX_GUIDELINES_CHARS:,} characters; "
                f"this text has {len(text):,}."
            }
        )
    return text


@transaction.atomic
def guidelines_publish(
    *, debate: Debate, text: str, by: AbstractBaseUser, expected_version: int | None = None
) -> GuidelinesPublished:
    """Publish ``text`` as the debate's next guidelines version unless it equals the current.

    ``expected_version`` is the version the editor started from (0: there were none); when
    another was published since, nothing is written and GuidelinesStale is raised. Only the
    debate's managers (and superusers) publish.
    """
    if (
        not by.is_superuser
        and not Membership.objects.filter(debate=debate, user=by, role=Role.MANAGER).exists()
    ):
        raise PermissionDenied("Only managers of this debate publish its guidelines.")
    text = guidelines_text_clean(text)
    # One publisher at a time per debate: the next version number is read and used under the
    # debate's row lock (the unique constraint catches anything that gets past it).
    Debate.objects.select_for_update().filter(pk=debate.pk).values_list("pk").first()
    current = Guidelines.objects.filter(debate=debate).order_by("-version").first()
    current_version = current.version if current is not None else 0
    if expected_version is not None and expected_version != current_version:
        raise GuidelinesStale(current_version)
    if current is not None and current.text_markdown == text:
        return GuidelinesPublished(guidelines=current, created=False)
    guidelines = Guidelines(
        debate=debate, version=current_version + 1, text_markdown=text, created_by=by
    )
    guidelines.save()
    return GuidelinesPublished(guidelines=guidelines, created=True)


@transaction.atomic
def guidelines_mark_read(*, debate: Debate, user: AbstractBaseUser, version: int) -> bool:
    """Record that a member read a version of the debate's guidelines; return whether it is new.

    Reading an older version than the current one is recorded as such: the member is asked
    again for the newer one.
    """
    if not user.is_superuser and not Membership.objects.filter(debate=debate, user=user).exists():
        raise PermissionDenied("Only members of this debate read its guidelines.")
    guidelines = Guidelines.objects.filter(debate=debate, version=version).first()
    if guidelines is None:
        raise ValidationError({"version": f"This debate has no guidelines version {version}."})
    _read, created = GuidelinesRead.objects.get_or_create(guidelines=guidelines, user=user)
    return created


# What a document's PATCH may change: how it is named and where it came from, never its
# text (annotations point into it) nor its debate or status (they follow the work).
DOCUMENT_DETAILS = ("title", "source", "url", "published")


@transaction.atomic
def document_update(*, document: Document, changes: dict[str, Any]) -> Document:
    """Change a document's title, source, URL or publication date; refuse anything else.

    Titles and sources are stored in NFC on one line, as ``document_create`` stores them. On
    any refusal nothing is written.
    """
    refused = sorted(set(changes) - set(DOCUMENT_DETAILS))
    if refused:
        raise ValidationError(
            {name: "Only a document's title, source, URL and date change here." for name in refused}
        )
    values = dict(changes)
    for name in ("title", "source"):
        if name in values:
            values[name] = _single_line(values[name])
    if "url" in values:
        values["url"] = values["url"].strip()
    nul = [name for name, value in values.items() if isinstance(value, str) and "\x00" in value]
    if nul:
        raise ValidationError({name: "Contains a NUL character (U+0000)." for name in nul})
    if "title" in values and not values["title"]:
        raise ValidationError({"title": "A document needs a title."})
    stored = Document.objects.select_for_update().get(pk=document.pk)
    for name, value in values.items():
        setattr(stored, name, value)
    stored.full_clean(
        exclude=[field.name for field in Document._meta.fields if field.name not in values],
        validate_unique=False,
        validate_constraints=False,
    )
    stored.save(update_fields=[*values, "updated_at"])
    return stored
