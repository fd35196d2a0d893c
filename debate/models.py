"""The debate domain: debates with their label scheme, actors, documents and memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThan, LessThanOrEqual

from debate.markdown import markdown_html
from debate.scheme import default_scheme, validate_scheme
from debate.text import normalize_text, text_sha256


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ANNOTATOR = "annotator", "Annotator"
    REVIEWER = "reviewer", "Reviewer"
    MANAGER = "manager", "Manager"
    RESEARCHER = "researcher", "Researcher"


class MergeMethod(models.TextChoices):
    """How the map merges spans voicing the same argument (maps.builder.merge_similarity)."""

    LEXICAL = "lexical", "Lexical: shared content words"
    SEMANTIC = "semantic", "Semantic: sentence vectors, never a claim with its negation"
    COMBINED = "combined", "Combined: shared words or sentence vectors"


class SuggestionMode(models.TextChoices):
    """When annotators see the suggestion model's candidate spans (``suggestions`` app)."""

    OFF = "off", "Off: annotators see none (blind annotation), unless a manager enables them"
    AFTER_FIRST_SUBMISSION = (
        "after_first_submission",
        "After an annotator's first submitted document",
    )
    ON = "on", "On for every annotator"


# Roles that read every annotator's layer (and gold) in their debates.
LAYER_READER_ROLES = (Role.REVIEWER, Role.MANAGER, Role.RESEARCHER)


class DebateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DebateQuerySet":
        """Return the debates a user is a member of (all of them for a superuser)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user)

    def managed_by(self, user) -> "DebateQuerySet":
        """Return the debates a user manages (all of them for a superuser)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user, memberships__role=Role.MANAGER)


class Debate(TimeStampedModel):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    proposition = models.TextField(
        help_text="The claim both sides argue about; pro stances are for it, contra against it."
    )
    scheme = models.JSONField(
        default=default_scheme,
        validators=[validate_scheme],
        help_text="Label scheme: stances (with their side), roles and relation types.",
    )
    annotators_per_document = models.PositiveSmallIntegerField(
        default=2, help_text="How many annotators must submit a document before review."
    )
    annotators_see_maps = models.BooleanField(
        default=False,
        help_text="Let annotators read the argument map. Off by default: the map quotes the "
        "gold layer, which annotators still annotating must not see (blind annotation). "
        "Reviewers, managers and researchers always read it.",
    )
    remember_last_choice = models.BooleanField(
        default=False,
        help_text="Open the tag form with the annotator's last stance and role chosen (marked "
        "as pre-filled). Off by default: a form that chooses for the annotator biases the data "
        "toward whatever was chosen last; annotators can still repeat it with one key.",
    )
    merge_method = models.CharField(
        max_length=16,
        choices=MergeMethod.choices,
        default=MergeMethod.SEMANTIC,
        help_text="How the argument map decides that spans of different articles voice the "
        "same argument. Semantic ties combined for the best precision and F1 on our labelled "
        "claim pairs and builds large maps fastest (docs/MERGING.md), so it is the default for "
        "new debates; changing it builds a new map version.",
    )
    suggestions = models.CharField(
        max_length=32,
        choices=SuggestionMode.choices,
        default=SuggestionMode.OFF,
        help_text="When annotators see the suggestion model's candidate spans on the annotate "
        "page. Off by default, so a first pass stays blind and agreement studies stay clean; "
        "a manager can still enable them for single annotators.",
    )

    objects = DebateQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annotators_per_document__gte=1), name="debate_needs_an_annotator"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Membership(TimeStampedModel):
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["debate", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "user"], name="one_membership_per_debate"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.debate}"


class ActorQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActorQuerySet":
        """Return the actors of the debates a user is a member of."""
        return self.filter(debate__in=Debate.objects.visible_to(user))


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    COLLECTIVE = "collective", "Collective"


class Actor(TimeStampedModel):
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ActorKind.choices, default=ActorKind.PERSON)
    affiliation = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names used for this actor in text."
    )

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "name"], name="actor_name_unique_in_debate"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.aliases, list) or not all(
            isinstance(alias, str) and alias.strip() for alias in self.aliases
        ):
            raise ValidationError({"aliases": "Aliases must be a list of non-empty strings."})


# The longest text a document may hold, in code points: the API, the admin and every import
# refuse a longer one alike (document_create).
MAX_TEXT_CHARS = 2_000_000


def text_too_long(length: int) -> str:
    """Return why a text of ``length`` code points cannot be a document's."""
    return f"Must be at most {MAX_TEXT_CHARS:,} characters; this one has {length:,}."


class DocumentStatus(models.TextChoices):
    NEW = "new", "New"
    ANNOTATING = "annotating", "Being annotated"
    READY_FOR_REVIEW = "ready_for_review", "Ready for review"
    ADJUDICATED = "adjudicated", "Adjudicated"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DocumentQuerySet":
        """Return the documents of the debates a user is a member of."""
        return self.filter(debate__in=Debate.objects.visible_to(user))


class DocumentLocked(ValidationError):
    """A document that annotations point into keeps its text and its debate."""


class DocumentTextLocked(DocumentLocked):
    """The text of a document that annotations point into cannot change."""


class Document(TimeStampedModel):
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True)
    text = models.TextField(help_text="Unicode NFC with \\n line ends; offsets are code points.")
    sha256 = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.NEW
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "sha256"], name="document_unique_in_debate"),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="document_sha256_is_hex64"
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length("text"), 0), name="document_text_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name="document_status_known"
            ),
        ]
        indexes = [models.Index(fields=["debate", "published"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.text = normalize_text(self.text)
        self.sha256 = text_sha256(self.text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sha256"}  # the hash follows the text
        if self.pk is not None and self.is_annotated():
            stored = Document.objects.filter(pk=self.pk).values_list("sha256", "debate_id").first()
            if stored is not None and stored[0] != self.sha256:
                raise DocumentTextLocked(
                    {"text": "The text cannot change: annotations point into it."}
                )
            # Its annotators, reviewers and map belong to this debate.
            if stored is not None and stored[1] != self.debate_id:
                raise DocumentLocked(
                    {"debate": "The document cannot move to another debate: it is annotated."}
                )
        super().save(*args, **kwargs)

    @property
    def length(self) -> int:
        """Return the length of the text in code points, the unit of every offset."""
        return len(self.text)

    def is_annotated(self) -> bool:
        """Return whether any span of any layer points into this document."""
        return self.pk is not None and self.spans.exists()


# --- Guidelines -------------------------------------------------------------------------------
# The longest guidelines text, in characters: a long handbook with examples, not a corpus.
MAX_GUIDELINES_CHARS = 100_000
# Roles asked to read each new version before they work: those who label, and those who judge
# the labels. Managers write the guidelines; researchers read them when they like.
GUIDELINES_READER_ROLES = (Role.ANNOTATOR, Role.REVIEWER)


class GuidelinesQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GuidelinesQuerySet":
        """Return the guidelines of the debates a user is a member of."""
        return self.filter(debate__in=Debate.objects.visible_to(user))


class GuidelinesImmutable(ValidationError):
    """A published version of the guidelines never changes: publish a new one instead."""


class Guidelines(models.Model):
    """One published version of a debate's annotation guidelines, in Markdown; never changed.

    The current guidelines are the debate's highest version; the older ones are its history.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="guidelines")
    version = models.PositiveIntegerField()
    text_markdown = models.TextField(help_text="Markdown, NFC with \\n line ends.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GuidelinesQuerySet.as_manager()

    class Meta:
        ordering = ["debate", "-version"]
        verbose_name_plural = "guidelines"
        constraints = [
            models.UniqueConstraint(
                fields=["debate", "version"], name="guidelines_version_unique_in_debate"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="guidelines_version_from_1"),
            models.CheckConstraint(
                condition=GreaterThan(Length("text_markdown"), 0), name="guidelines_not_empty"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text_markdown"), MAX_GUIDELINES_CHARS),
                name="guidelines_text_fits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debate} guidelines v{self.version}"

    def save(self, *args, **kwargs) -> None:
        # Readers confirmed having read this text; changing it would make that untrue.
        if not self._state.adding:
            raise GuidelinesImmutable("Published guidelines never change; publish a new version.")
        super().save(*args, **kwargs)

    @property
    def html(self) -> str:
        """Return the text rendered to sanitized HTML (debate.markdown), safe in any page."""
        return markdown_html(self.text_markdown)


class GuidelinesRead(models.Model):
    """A member's word that they read one version of a debate's guidelines."""

    guidelines = models.ForeignKey(Guidelines, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["guidelines", "read_at"]
        constraints = [
            models.UniqueConstraint(fields=["guidelines", "user"], name="guidelines_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.guidelines}"


__all__ = [
    "GUIDELINES_READER_ROLES",
    "LAYER_READER_ROLES",
    "MAX_GUIDELINES_CHARS",
    "MAX_TEXT_CHARS",
    "Actor",
    "ActorKind",
    "Debate",
    "Document",
    "DocumentLocked",
    "DocumentStatus",
    "DocumentTextLocked",
    "Guidelines",
    "GuidelinesImmutable",
    "GuidelinesRead",
    "Membership",
    "Role",
    "text_too_long",
]
