"""API views of the debate domain: tokens, debates, actors, members and documents.

Views only parse, check and shape; what may be seen comes from ``debate.selectors`` and what
is written from ``debate.services``.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import (
    CursorPage,
    CursorPageByName,
    CursorPageBySlug,
    FastJSONRenderer,
    StrictQueryMixin,
)
from debate.models import Actor, Debate, Document, DocumentStatus, Membership, Role
from debate.permissions import (
    DebateAccess,
    IsStaffOrReadOnly,
    ManagesDebateOrReadOnly,
    ReadsAllLayersOrManages,
)
from debate.selectors import (
    actor_list,
    debate_access,
    debate_get,
    debate_list,
    document_get,
    document_list,
    guidelines_current,
    member_candidates,
    member_list,
)
from debate.serializers import (
    NO_GUIDELINES,
    ActorCreateSerializer,
    ActorSerializer,
    DebateCreateSerializer,
    DebateDetailSerializer,
    DebateSerializer,
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
    GuidelinesSerializer,
    GuidelinesWriteSerializer,
    MembershipSerializer,
    MembershipWriteSerializer,
    document_detail_payload,
)
from debate.services import (
    DocumentInput,
    GuidelinesStale,
    actor_create,
    debate_create,
    document_create,
    document_update,
    guidelines_publish,
    member_add,
    member_remove,
)


# --- Debates --------------------------------------------------------------------------------
class DebateScopedMixin(StrictQueryMixin):
    """A view under ``debates/<slug>/``: 404 unless the debate is visible to the user."""

    _debate: Debate | None = None
    _access: DebateAccess | None = None

    def get_debate(self) -> Debate:
        if self._debate is None:
            try:
                self._debate = debate_get(user=self.request.user, slug=self.kwargs["slug"])
            except Debate.DoesNotExist:
                raise Http404("No debate with this slug.") from None
        return self._debate

    def get_access(self) -> DebateAccess:
        if self._access is None:
            self._access = debate_access(user=self.request.user, debate=self.get_debate())
        return self._access


@extend_schema_view(
    get=extend_schema(summary="List the debates you are a member of"),
    post=extend_schema(
        summary="Create a debate (staff)",
        description="You become its manager. The label scheme defaults to pro/contra/neutral "
        "stances, claim/premise roles and supports/attacks relations.",
        request=DebateCreateSerializer,
        responses={201: DebateDetailSerializer},
    ),
)
class DebateListView(StrictQueryMixin, generics.ListCreateAPIView):
    serializer_class = DebateSerializer
    permission_classes = [IsAuthenticated, IsStaffOrReadOnly]
    pagination_class = CursorPageBySlug

    def get_queryset(self):
        return debate_list(user=self.request.user)

    def create(self, request: Request) -> Response:
        serializer = DebateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            debate = debate_create(**serializer.validated_data)
            # Its creator manages it; without a membership a non-superuser could not see it.
            member_add(debate=debate, username=request.user.get_username(), role=Role.MANAGER)
        debate = debate_get(user=request.user, slug=debate.slug)
        return Response(DebateDetailSerializer(debate).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(summary="Get a debate with its label scheme and actors"))
class DebateDetailView(DebateScopedMixin, generics.RetrieveAPIView):
    serializer_class = DebateDetailSerializer
    error_statuses = [401, 404, 400]

    def get_object(self) -> Debate:
        return self.get_debate()


@extend_schema_view(
    get=extend_schema(summary="List the actors of a debate"),
    post=extend_schema(
        summary="Add an actor to a debate (managers)",
        request=ActorCreateSerializer,
        responses={201: ActorSerializer},
    ),
)
class ActorListView(DebateScopedMixin, generics.ListCreateAPIView):
    queryset = Actor.objects.none()  # only tells the schema the model; see get_queryset
    serializer_class = ActorSerializer
    permission_classes = [IsAuthenticated, ManagesDebateOrReadOnly]
    pagination_class = CursorPageByName

    def get_queryset(self):
        return actor_list(user=self.request.user, debate=self.get_debate())

    def create(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        serializer = ActorCreateSerializer(data=request.data, context={"debate": debate})
        serializer.is_valid(raise_exception=True)
        actor = actor_create(debate=debate, **serializer.validated_data)
        return Response(ActorSerializer(actor).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="List the members of a debate (reviewers, managers, researchers)",
        description="Usernames are also the names of the annotators' layers.",
    ),
    post=extend_schema(
        summary="Add a member or change their role (managers)",
        description="Name the user by `username` or by `email` (one of the two). A manager "
        "adds the members of their other debates and accounts in no debate yet; any other "
        "name or address gets the same 400, whoever it belongs to. The debate's last manager "
        "keeps their role (400 naming `role`).",
        request=MembershipWriteSerializer,
        responses={
            201: OpenApiResponse(MembershipSerializer, description="Added."),
            200: OpenApiResponse(MembershipSerializer, description="Role changed or unchanged."),
        },
    ),
)
class MemberListView(DebateScopedMixin, generics.ListCreateAPIView):
    queryset = Membership.objects.none()  # only tells the schema the model; see get_queryset
    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated, ReadsAllLayersOrManages]
    pagination_class = CursorPage

    def get_queryset(self):
        return member_list(debate=self.get_debate())

    def create(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        serializer = MembershipWriteSerializer(
            data=request.data, context={"candidates": member_candidates(user=request.user)}
        )
        serializer.is_valid(raise_exception=True)
        change = member_add(debate=debate, by=request.user, **serializer.validated_data)
        membership = member_list(debate=debate).get(user=change.user)
        return Response(
            MembershipSerializer(membership).data,
            status=status.HTTP_201_CREATED if change.role_before is None else status.HTTP_200_OK,
        )


@extend_schema_view(
    delete=extend_schema(
        summary="Remove a member from a debate (managers)",
        description="The member loses access to the debate; what they wrote (their layer, "
        "its history, their assignments) is kept. The debate's last manager cannot be "
        "removed (400 naming `username`). A name that is no member of the debate: 404.",
        responses={204: OpenApiResponse(description="Removed.")},
    ),
)
class MemberDetailView(DebateScopedMixin, generics.GenericAPIView):
    queryset = Membership.objects.none()  # only tells the schema the model
    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated, ManagesDebateOrReadOnly]

    def delete(self, request: Request, slug: str, username: str) -> Response:
        try:
            member_remove(debate=self.get_debate(), username=username, by=request.user)
        except Membership.DoesNotExist:
            raise Http404("No member of this debate has this username.") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Guidelines -----------------------------------------------------------------------------
GuidelinesStaleSerializer = inline_serializer(
    "GuidelinesStale",
    fields={
        "detail": serializers.CharField(),
        "current_version": serializers.IntegerField(help_text="The version now current."),
    },
)


@extend_schema_view(
    get=extend_schema(
        summary="Get the debate's current annotation guidelines",
        description="Markdown and its sanitized HTML, with the version and who published it; "
        "`version` is null and the texts empty while the debate has none.",
    ),
    put=extend_schema(
        summary="Publish a new version of the guidelines (managers)",
        description="Every version is kept. A text equal to the current version's publishes "
        "nothing and answers the current version.",
        request=GuidelinesWriteSerializer,
        responses={
            200: OpenApiResponse(
                GuidelinesSerializer,
                description="The current guidelines: the new version, or the unchanged one.",
            ),
            412: OpenApiResponse(
                GuidelinesStaleSerializer,
                description="Another version was published after the one you edited; nothing "
                "was published.",
            ),
        },
    ),
)
class GuidelinesView(DebateScopedMixin, generics.GenericAPIView):
    serializer_class = GuidelinesSerializer
    permission_classes = [IsAuthenticated, ManagesDebateOrReadOnly]

    def get(self, request: Request, slug: str) -> Response:
        current = guidelines_current(debate=self.get_debate())
        return Response(NO_GUIDELINES if current is None else GuidelinesSerializer(current).data)

    def put(self, request: Request, slug: str) -> Response:
        serializer = GuidelinesWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            published = guidelines_publish(
                debate=self.get_debate(),
                text=serializer.validated_data["markdown"],
                by=request.user,
                expected_version=serializer.validated_data.get("version"),
            )
        except GuidelinesStale as stale:
            return Response(
                {"detail": str(stale), "current_version": stale.current_version},
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
        except DjangoValidationError as invalid:
            # The service names the text "text"; here it is the body's "markdown".
            raise ValidationError({"markdown": invalid.messages}) from None
        return Response(GuidelinesSerializer(published.guidelines).data)


# --- Documents ------------------------------------------------------------------------------
class DocumentFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words in the title or the text."
    )
    published_after = filters.DateFilter(
        field_name="published", lookup_expr="gte", help_text="Published on or after this day."
    )
    published_before = filters.DateFilter(
        field_name="published", lookup_expr="lte", help_text="Published on or before this day."
    )
    status = filters.ChoiceFilter(choices=DocumentStatus.choices)

    class Meta:
        model = Document
        fields = ["search", "published_after", "published_before", "status"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(text__icontains=word))
        return queryset


@extend_schema_view(
    get=extend_schema(summary="List the documents of a debate (without their text)"),
    post=extend_schema(
        summary="Import a document into a debate (managers)",
        description="The text is normalised (Unicode NFC, \\n line ends) before it is stored. "
        "Importing a text the debate already holds returns the existing document with 200.",
        request=DocumentCreateSerializer,
        responses={
            201: OpenApiResponse(DocumentDetailSerializer, description="Imported."),
            200: OpenApiResponse(
                DocumentDetailSerializer, description="The debate already holds this text."
            ),
        },
    ),
)
class DocumentListView(DebateScopedMixin, generics.ListCreateAPIView):
    queryset = Document.objects.none()  # only tells the schema the model; see get_queryset
    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated, ManagesDebateOrReadOnly]
    pagination_class = CursorPage
    filterset_class = DocumentFilter

    def get_queryset(self):
        return document_list(user=self.request.user, debate=self.get_debate()).defer("text")

    def create(self, request: Request, slug: str) -> Response:
        serializer = DocumentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document, created = document_create(
            debate=self.get_debate(), data=DocumentInput(**serializer.validated_data)
        )
        document = document_get(user=request.user, pk=document.pk)
        return Response(
            DocumentDetailSerializer(document).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema_view(
    get=extend_schema(summary="Get a document with its text and your status"),
    patch=extend_schema(
        summary="Correct a document's title, source, URL or date (managers)",
        description="Send any of `title`, `source`, `url` and `published`; nothing else can "
        "change here, the text least of all (annotations point into it). Titles and sources "
        "are stored in Unicode NFC on one line. Other members get 403, non-members 404.",
        request=DocumentUpdateSerializer,
        responses={200: DocumentDetailSerializer},
    ),
)
class DocumentDetailView(StrictQueryMixin, generics.RetrieveAPIView):
    serializer_class = DocumentDetailSerializer
    # The same bytes as DRF's renderer: a document's text, and with ?include= its whole layer.
    renderer_classes = [FastJSONRenderer]

    @property
    def error_statuses(self) -> list[int]:
        # Members read every document of their debate; only its managers change one.
        if self.request is not None and self.request.method == "PATCH":
            return [401, 403, 404, 400]
        return [401, 404, 400]

    def get_object(self) -> Document:
        try:
            return document_get(user=self.request.user, pk=self.kwargs["pk"])
        except Document.DoesNotExist:
            raise Http404("No document with this id.") from None

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(document_detail_payload(self.get_object()))

    def patch(self, request: Request, pk: int) -> Response:
        document = self.get_object()  # 404 before anything else for non-members
        if not debate_access(user=request.user, debate=document.debate).can_manage:
            raise PermissionDenied("Only managers of this debate can change a document.")
        serializer = DocumentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document_update(document=document, changes=serializer.validated_data)
        document = document_get(user=request.user, pk=document.pk)
        return Response(document_detail_payload(document))
