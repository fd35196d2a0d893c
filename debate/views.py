"""API views of the debate domain: tokens, debates, actors, members and documents.

Views only parse, check and shape; what may be seen comes from ``debate.selectors`` and what
is written from ``debate.services``.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.decorators import method_decorator
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from debate.api import (
    CursorPage,
    CursorPageByName,
    CursorPageBySlug,
    DetailSerializer,
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
    member_list,
)
from debate.serializers import (
    ActorCreateSerializer,
    ActorSerializer,
    DebateCreateSerializer,
    DebateDetailSerializer,
    DebateSerializer,
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    MembershipSerializer,
    MembershipWriteSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from debate.services import DocumentInput, actor_create, debate_create, document_create, member_add


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
def api_not_found(request: Request) -> Response:
    """Answer a path the API does not have."""
    raise Http404("No such API path. (Paths end with a slash.)")


# --- Auth -----------------------------------------------------------------------------------
class TokenView(StrictQueryMixin, APIView):
    """Exchange a username and password for an API token, or revoke your token."""

    parser_classes = [JSONParser, FormParser]
    throttle_scope = "login"
    error_statuses = [400, 401]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        # Only password guesses are rate limited; revoking a token is not.
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_authenticators(self):
        # Logging in needs no credentials; a stale or revoked token must not make it fail.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong username or password, or missing fields."),
            429: OpenApiResponse(
                DetailSerializer,
                description="Too many attempts: throttled, or this account or address is "
                "locked out after 20 failed logins.",
            ),
        },
        auth=[],
        summary="Get an API token",
        description="Send `Authorization: Token <token>` with every later request. The same "
        "token is returned until it is revoked.",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data.get("locked_out"):
            # Answer in the API's own JSON shape; clearing the flag stops django-axes'
            # middleware from replacing this answer with its HTML lockout page.
            request._request.axes_locked_out = False
            raise Throttled(
                wait=settings.AXES_COOLOFF_TIME.total_seconds(),
                detail="Too many failed logins: this account is locked for a while.",
            )
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: None},
        summary="Revoke your API token",
        description="Every client that uses the token is signed out; get a new one with POST.",
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


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
        serializer = MembershipWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = member_add(debate=debate, **serializer.validated_data)
        membership = member_list(debate=debate).get(user=change.user)
        return Response(
            MembershipSerializer(membership).data,
            status=status.HTTP_201_CREATED if change.role_before is None else status.HTTP_200_OK,
        )


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


@extend_schema_view(get=extend_schema(summary="Get a document with its text and your status"))
class DocumentDetailView(StrictQueryMixin, generics.RetrieveAPIView):
    serializer_class = DocumentDetailSerializer
    error_statuses = [401, 404, 400]

    def get_object(self) -> Document:
        try:
            return document_get(user=self.request.user, pk=self.kwargs["pk"])
        except Document.DoesNotExist:
            raise Http404("No document with this id.") from None


# --- Docs -----------------------------------------------------------------------------------
# Swagger UI and Redoc inject their own <style> elements (Redoc's search also runs in a blob
# worker); these two pages show only the schema, never user data, so they alone get that.
_DOCS_CSP = csp_update({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})


@method_decorator(_DOCS_CSP, name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from local files; its start-up script is a separate request (CSP)."""


@method_decorator(_DOCS_CSP, name="dispatch")
class ApiRedocView(SpectacularRedocView):
    """Redoc, served from local files and without web fonts."""

    template_name = "debate/redoc.html"
