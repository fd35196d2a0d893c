"""API shapes of the debate domain. Input and output shapes are separate serializers."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.serializers import StrictInputSerializer
from debate.models import (
    MAX_GUIDELINES_CHARS,
    MAX_TEXT_CHARS,
    Actor,
    ActorKind,
    Debate,
    Document,
    Membership,
    Role,
)
from debate.scheme import MAX_DEFINITION_CHARS, POLARITIES, SIDES, validate_scheme


# --- Debates --------------------------------------------------------------------------------
def definition_field() -> serializers.CharField:
    """Return the optional plain-text definition of a stance or a role."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_DEFINITION_CHARS,
        help_text="What the label means, in plain text (no markup), shown in the tag form.",
    )


class StanceSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=32)
    label = serializers.CharField(required=False, allow_blank=True)
    side = serializers.ChoiceField(choices=SIDES)
    color = serializers.CharField(required=False, allow_blank=True)
    definition = definition_field()


class ArgumentRoleSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=32)
    label = serializers.CharField(required=False, allow_blank=True)
    definition = definition_field()


class RelationTypeSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=32)
    label = serializers.CharField(required=False, allow_blank=True)
    polarity = serializers.ChoiceField(choices=POLARITIES)


class SchemeSerializer(serializers.Serializer):
    """The label scheme of a debate: which stances, roles and relation types it uses."""

    stances = StanceSerializer(many=True)
    roles = ArgumentRoleSerializer(many=True)
    relation_types = RelationTypeSerializer(many=True)


class ActorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "kind", "affiliation", "aliases"]
        read_only_fields = fields


class ActorCreateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ActorKind.choices, default=ActorKind.PERSON)
    affiliation = serializers.CharField(max_length=200, required=False, default="")
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=50
    )

    def validate_name(self, name: str) -> str:
        if Actor.objects.filter(debate=self.context["debate"], name=name).exists():
            raise serializers.ValidationError("This debate already has an actor of that name.")
        return name


class DebateSerializer(serializers.ModelSerializer):
    my_role = serializers.ChoiceField(
        choices=Role.choices,
        read_only=True,
        allow_null=True,
        help_text="Your role in this debate; null for a superuser who is not a member.",
    )

    class Meta:
        model = Debate
        fields = [
            "slug",
            "title",
            "proposition",
            "annotators_per_document",
            "annotators_see_maps",
            "remember_last_choice",
            "merge_method",
            "suggestions",
            "my_role",
            "created_at",
        ]
        read_only_fields = fields


class DebateDetailSerializer(DebateSerializer):
    scheme = SchemeSerializer(read_only=True)
    actors = ActorSerializer(many=True, read_only=True)

    class Meta(DebateSerializer.Meta):
        fields = [*DebateSerializer.Meta.fields, "scheme", "actors"]
        read_only_fields = fields


class DebateCreateSerializer(StrictInputSerializer):
    slug = serializers.SlugField(max_length=64)
    title = serializers.CharField(max_length=200)
    proposition = serializers.CharField()
    scheme = SchemeSerializer(
        required=False, help_text="The label scheme; the default one when left out."
    )
    annotators_see_maps = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Let annotators read the argument map (off by default: it quotes gold).",
    )
    remember_last_choice = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Open the tag form with the last stance and role chosen, marked as "
        "pre-filled (off by default: nothing is chosen for the annotator).",
    )

    def validate_slug(self, slug: str) -> str:
        if Debate.objects.filter(slug=slug).exists():
            raise serializers.ValidationError("A debate with this slug already exists.")
        return slug

    def validate_scheme(self, scheme: dict) -> dict:
        try:
            validate_scheme(scheme)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return scheme


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "role", "created_at"]
        read_only_fields = fields


UNKNOWN_MEMBER = (
    "No user you can add has this username. A manager adds the members of their other "
    "debates and new accounts that are in no debate yet; an administrator adds anyone."
)
UNKNOWN_MEMBER_EMAIL = (
    "No user you can add has this e-mail address. A manager adds the members of their other "
    "debates and new accounts that are in no debate yet; an administrator adds anyone."
)
SHARED_MEMBER_EMAIL = (
    "Several users you can add have this e-mail address; add the one you mean by username."
)


class MembershipWriteSerializer(StrictInputSerializer):
    """Who to add (by username or by e-mail address, one of the two) and their role."""

    username = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(
        required=False, help_text="Instead of username: the address of the user's account."
    )
    role = serializers.ChoiceField(choices=Role.choices)

    def validate_username(self, username: str) -> str:
        # The view passes the users this manager may add (debate.selectors.member_candidates).
        if not self.context["candidates"].filter(username=username).exists():
            raise serializers.ValidationError(UNKNOWN_MEMBER)
        return username

    def validate(self, data: dict) -> dict:
        if ("username" in data) == ("email" in data):
            raise serializers.ValidationError(
                {"username": "Give the username or the e-mail address of the user to add."}
            )
        if "email" in data:
            # Only the candidates are searched, so any other address, whoever owns it,
            # answers the same refusal (tests/security/test_member_probe.py).
            found = list(
                self.context["candidates"]
                .filter(email__iexact=data.pop("email"))
                .values_list("username", flat=True)[:2]
            )
            if not found:
                raise serializers.ValidationError({"email": UNKNOWN_MEMBER_EMAIL})
            if len(found) > 1:
                raise serializers.ValidationError({"email": SHARED_MEMBER_EMAIL})
            data["username"] = found[0]
        return data


# --- Documents ------------------------------------------------------------------------------
class DocumentSerializer(serializers.ModelSerializer):
    """A document without its text, as lists show it."""

    debate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.CharField(read_only=True, help_text="Where it appeared; empty if unknown.")
    length = serializers.IntegerField(
        source="text_length", read_only=True, help_text="Length of the text in code points."
    )
    my_status = serializers.ChoiceField(
        choices=["assigned", "in_progress", "submitted"],
        read_only=True,
        allow_null=True,
        help_text="Your assignment status for this document; null when not assigned to you.",
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "debate",
            "title",
            "source",
            "url",
            "published",
            "sha256",
            "length",
            "status",
            "my_status",
            "created_at",
        ]
        read_only_fields = fields


class DocumentDetailSerializer(DocumentSerializer):
    """A document with its text, the string every span offset points into."""

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text"]
        read_only_fields = fields


_DATE = serializers.DateField(read_only=True)
_INSTANT = serializers.DateTimeField(read_only=True)


def document_detail_payload(document: Document) -> dict[str, Any]:
    """Return a document of ``document_get`` exactly as DocumentDetailSerializer gives it.

    Written out: building a ModelSerializer's fields cost more than the rest of a document's
    GET but its one query; test_document_detail_payload_is_the_serializers holds it to the
    serializer, key for key.
    """
    published, created_at = document.published, document.created_at
    return {
        "id": document.pk,
        "debate": document.debate.slug,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": None if published is None else _DATE.to_representation(published),
        "sha256": document.sha256,
        "length": document.text_length,
        "status": document.status,
        "my_status": document.my_status,
        "created_at": None if created_at is None else _INSTANT.to_representation(created_at),
        "text": document.text,
    }


class DocumentCreateSerializer(StrictInputSerializer):
    text = serializers.CharField(
        trim_whitespace=False,
        max_length=MAX_TEXT_CHARS,
        help_text="Stored in Unicode NFC with \\n line ends; offsets count its code points.",
    )
    title = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    source = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    url = serializers.URLField(
        max_length=1000, required=False, default="", help_text="Leave out when unknown."
    )
    published = serializers.DateField(required=False, allow_null=True, default=None)


# --- Guidelines -----------------------------------------------------------------------------
class GuidelinesSerializer(serializers.Serializer):
    """A debate's current annotation guidelines: the Markdown managers write, the HTML to show."""

    version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Starts at 1; null while there are none."
    )
    markdown = serializers.CharField(
        source="text_markdown", read_only=True, help_text="As the manager wrote it."
    )
    html = serializers.CharField(
        read_only=True,
        help_text="The Markdown rendered with raw HTML off, then sanitized: safe to insert "
        "into a page as it is.",
    )
    updated_by = serializers.CharField(
        source="created_by.username",
        read_only=True,
        allow_null=True,
        help_text="Who published this version.",
    )
    updated_at = serializers.DateTimeField(
        source="created_at", read_only=True, allow_null=True, help_text="When it was published."
    )


# What GuidelinesSerializer answers for a debate with no guidelines yet.
NO_GUIDELINES = {
    "version": None,
    "markdown": "",
    "html": "",
    "updated_by": None,
    "updated_at": None,
}


class GuidelinesWriteSerializer(StrictInputSerializer):
    markdown = serializers.CharField(
        trim_whitespace=False,
        max_length=MAX_GUIDELINES_CHARS,
        help_text="The whole guidelines in Markdown (CommonMark with tables; raw HTML is shown "
        "as text). Stored in Unicode NFC with \\n line ends.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="The version you edited (0 when there were none). If another version was "
        "published since, the answer is 412 and nothing is published.",
    )


class DocumentUpdateSerializer(StrictInputSerializer):
    """What a manager may change of a document: never its text, debate or status."""

    title = serializers.CharField(max_length=300, required=False)
    source = serializers.CharField(max_length=300, required=False, allow_blank=True)
    url = serializers.URLField(
        max_length=1000, required=False, allow_blank=True, help_text="Empty when unknown."
    )
    published = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError(
                "Send at least one of title, source, url and published."
            )
        return attrs
