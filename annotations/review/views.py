"""API views of the review workflow: review state and decisions, queue, agreement, assignments.

Views parse and check the request, call one selector or service, and shape the answer.
"""

import re

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api import AnnotationErrorsMixin, DocumentScopedMixin
from annotations.models import Assignment, DocumentReview, ReviewDecision
from annotations.review.permissions import (
    Manages,
    ReadsAgreement,
    ReadsAssignmentsOrManages,
    ReadsReviews,
)
from annotations.review.selectors import (
    REVIEW_QUEUE_STATUSES,
    assignment_list,
    debate_agreement_get,
    review_decision_list,
    review_queue,
    review_state_get,
)
from annotations.review.serializers import (
    AssignmentCreateSerializer,
    AssignmentListSerializer,
    AssignmentSpreadSerializer,
    DebateAgreementSerializer,
    DecisionCreateSerializer,
    ReviewDecisionSerializer,
    ReviewOutcomeSerializer,
    ReviewQueueItemSerializer,
    ReviewSerializer,
    VersionSerializer,
)
from annotations.review.services import (
    NotReviewable,
    ReviewIncomplete,
    ReviewOutcome,
    StaleReview,
    assignment_create,
    assignments_spread,
    review_decide,
    review_finish,
)
from annotations.services import StaleVersion
from core.api import (
    Conflict,
    CursorPage,
    DetailSerializer,
    PreconditionRequired,
)
from debate.models import Document, DocumentStatus
from debate.views import DebateScopedMixin

_REVIEW_ETAG = re.compile(r'^(?:W/)?"review-(\d+)-v(\d+)"$')

IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    description='The review ETag you read (`"review-<document id>-v<version>"`), or `*`. '
    "Either this or the `version` you read is required; a stale one gets 412 and changes "
    "nothing.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="The review's version as an entity tag; send it back in If-Match.",
)
StaleReviewSerializer = inline_serializer(
    "StaleReview",
    fields={
        "detail": serializers.CharField(),
        "current_version": serializers.IntegerField(help_text="The review version now."),
    },
)
STALE_RESPONSE = OpenApiResponse(
    StaleReviewSerializer,
    description="Stale: another decision was recorded since you read the review; nothing "
    "changed. Read the review again.",
)
CONFLICT_RESPONSE = OpenApiResponse(
    DetailSerializer,
    description="The document is not waiting for review: still being annotated, or "
    "adjudicated already (or, when finishing, units are still undecided).",
)
PRECONDITION_REQUIRED_RESPONSE = OpenApiResponse(
    DetailSerializer, description="Neither If-Match nor the version you read was sent."
)


def review_version(document: Document) -> int:
    """Return the stored review version of a document (0 before the first decision)."""
    return (
        DocumentReview.objects.filter(document=document).values_list("version", flat=True).first()
        or 0
    )


def review_etag(document: Document, version: int) -> str:
    """Return the entity tag of a document's review at ``version``."""
    return f'"review-{document.pk}-v{version}"'


def expected_review_version(
    request: Request, document: Document, version: int | None
) -> int | None:
    """Return the review version the client read, from If-Match or ``version``; 428 if neither.

    ``If-Match: *`` asks for no check (None); when both are sent, both must name the same
    version. The service compares it with the stored version under a row lock, so a decision
    made between this read and the write is still caught.
    """
    header = request.headers.get("If-Match")
    if header is None and version is None:
        raise PreconditionRequired()
    if header is None:
        return version
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if tags == ["*"]:
        return version
    read = {
        int(match[2])
        for tag in tags
        if (match := _REVIEW_ETAG.match(tag)) and int(match[1]) == document.pk
    }
    if len(read) != 1 or (version is not None and version not in read):
        raise StaleReview(
            review_version(document),
            "If-Match names no version of this document's review (or not the `version` "
            "sent); read the review again.",
        )
    return read.pop()


class ReviewErrorsMixin(AnnotationErrorsMixin):
    """Answer the review services' errors with their HTTP status."""

    def handle_exception(self, exc):
        if isinstance(exc, StaleReview):
            response = Response(
                {"detail": str(exc), "current_version": exc.current_version},
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
            response["ETag"] = review_etag(self.get_document(), exc.current_version)
            return response
        if isinstance(exc, StaleVersion):
            # A gold span changed or went outside the review (the span API) meanwhile.
            return self.handle_exception(
                StaleReview(
                    review_version(self.get_document()),
                    "A gold span changed meanwhile; read the review again.",
                )
            )
        if isinstance(exc, NotReviewable | ReviewIncomplete):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


class ReviewScopedMixin(ReviewErrorsMixin, DocumentScopedMixin):
    """A view of one document's review: 404 for non-members, 403 for annotators."""

    permission_classes = [IsAuthenticated, ReadsReviews]

    def outcome_response(self, outcome: ReviewOutcome) -> Response:
        document = self.get_document()
        state = review_state_get(document=document)
        body = ReviewOutcomeSerializer(
            {"version": outcome.version, "recorded": outcome.decisions, "review": state}
        ).data
        return Response(
            body,
            status=status.HTTP_201_CREATED if outcome.decisions else status.HTTP_200_OK,
            headers={"ETag": review_etag(document, state.version)},
        )


class ReviewView(ReviewScopedMixin, generics.GenericAPIView):
    serializer_class = ReviewSerializer

    @extend_schema(
        summary="Get a document's review: aligned units and agreement (reviewers, managers)",
        description="The submitted layers are aligned into units (exact matches first, then "
        "best overlap). Each unit names what its spans differ in, the latest decision on it "
        "and its gold span. Gold spans no unit holds (added by the reviewer) are units of "
        "their own, keyed `g-<id>`. `agreement` gives this document's figures.",
        parameters=[ETAG_HEADER],
    )
    def get(self, request: Request, pk: int) -> Response:
        document = self.get_document()
        state = review_state_get(document=document)
        return Response(
            ReviewSerializer(state).data, headers={"ETag": review_etag(document, state.version)}
        )


@extend_schema_view(
    get=extend_schema(
        summary="List the decisions of a document's review, oldest first",
        description="Every decision with its reviewer, time, the annotator spans chosen and "
        "the gold span it produced.",
    ),
    post=extend_schema(
        summary="Record a review decision into the gold layer (reviewers)",
        description="Actions: `accept` (`unit`, `span`: that annotator's version becomes "
        "gold), `edit` (`unit` and the span fields; `sources` optional), `reject` (`unit`: no "
        "gold span for it), `add` (the span fields: a new gold span), `link` (`source`, "
        "`target` gold spans and `type`), `unlink` (`relation`), and `accept_agreed` (accept "
        "every undecided unit all annotators marked identically; 200 with nothing recorded "
        "when there is none). Send the review version you read as If-Match or `version`; "
        "if anyone decided since, the answer is 412 and nothing changes.",
        parameters=[IF_MATCH_PARAMETER, ETAG_HEADER],
        request=DecisionCreateSerializer,
        responses={
            201: OpenApiResponse(ReviewOutcomeSerializer, description="Recorded."),
            200: OpenApiResponse(
                ReviewOutcomeSerializer, description="Nothing to accept: nothing recorded."
            ),
            409: CONFLICT_RESPONSE,
            412: STALE_RESPONSE,
            428: PRECONDITION_REQUIRED_RESPONSE,
        },
    ),
)
class ReviewDecisionListView(ReviewScopedMixin, generics.ListAPIView):
    queryset = ReviewDecision.objects.none()  # only tells the schema the model
    serializer_class = ReviewDecisionSerializer
    pagination_class = CursorPage

    def get_queryset(self):
        return review_decision_list(user=self.request.user, document=self.get_document())

    def post(self, request: Request, pk: int) -> Response:
        document = self.get_document()
        serializer = DecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = review_decide(
            document=document,
            by=request.user,
            expected_version=expected_review_version(
                request, document, serializer.validated_data.get("version")
            ),
            decision=serializer.to_input(),
        )
        return self.outcome_response(outcome)


class ReviewFinishView(ReviewScopedMixin, generics.GenericAPIView):
    serializer_class = ReviewOutcomeSerializer

    @extend_schema(
        summary="Finish a review: the document becomes adjudicated (reviewers)",
        description="Every unit must be decided first (409 otherwise). The gold layer is then "
        "final, and the annotators who submitted the document can read it.",
        parameters=[IF_MATCH_PARAMETER, ETAG_HEADER],
        request=VersionSerializer,
        responses={
            201: OpenApiResponse(ReviewOutcomeSerializer, description="Adjudicated."),
            409: CONFLICT_RESPONSE,
            412: STALE_RESPONSE,
            428: PRECONDITION_REQUIRED_RESPONSE,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        document = self.get_document()
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = review_finish(
            document=document,
            by=request.user,
            expected_version=expected_review_version(
                request, document, serializer.validated_data.get("version")
            ),
        )
        return self.outcome_response(outcome)


@extend_schema_view(
    get=extend_schema(
        summary="List a debate's documents waiting for review (reviewers, managers)",
        description="Documents whose required layers are all submitted, oldest first, with "
        "their review's progress. `status=adjudicated` lists finished ones instead.",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=list(REVIEW_QUEUE_STATUSES),
                default=DocumentStatus.READY_FOR_REVIEW,
            )
        ],
    )
)
class ReviewQueueView(DebateScopedMixin, generics.ListAPIView):
    queryset = Document.objects.none()  # only tells the schema the model
    serializer_class = ReviewQueueItemSerializer
    permission_classes = [IsAuthenticated, ReadsReviews]
    pagination_class = CursorPage
    extra_query_params = ("status",)

    def get_queryset(self):
        wanted = self.request.query_params.get("status", DocumentStatus.READY_FOR_REVIEW)
        if wanted not in REVIEW_QUEUE_STATUSES:
            raise ValidationError(
                {"status": [f"Choose one of: {', '.join(REVIEW_QUEUE_STATUSES)}."]}
            )
        return review_queue(user=self.request.user, debate=self.get_debate(), status=wanted)


class DebateAgreementView(DebateScopedMixin, generics.GenericAPIView):
    serializer_class = DebateAgreementSerializer
    permission_classes = [IsAuthenticated, ReadsAgreement]

    @extend_schema(
        summary="Get a debate's inter-annotator agreement (reviewers, managers, researchers)",
        description="Over every document with two or more submitted layers: Krippendorff's "
        "alpha (nominal) for stance, role and actor over aligned units (an annotator who did "
        "not mark a unit gives it the value 'not marked'), a character-level alpha for "
        "boundaries, and an alpha of the relation type over the ordered unit pairs any "
        "annotator linked ('not linked' is a value); span F1 exact and overlap per label, "
        "relation F1 between aligned units (typed, and untyped over linked unit pairs); per "
        "annotator pair the same F1s, its alphas with their units and its stance confusion, "
        "all pairs' confusion added up, and the annotation and review progress. "
        "docs/AGREEMENT.md defines every figure.",
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(
            DebateAgreementSerializer(debate_agreement_get(debate=self.get_debate())).data
        )


@extend_schema_view(
    get=extend_schema(summary="List who a document is assigned to"),
    post=extend_schema(
        summary="Assign a document to an annotator (managers)",
        request=AssignmentCreateSerializer,
        responses={
            201: OpenApiResponse(AssignmentListSerializer, description="Assigned."),
            200: OpenApiResponse(AssignmentListSerializer, description="Already assigned."),
        },
    ),
)
class AssignmentListView(DocumentScopedMixin, generics.ListAPIView):
    queryset = Assignment.objects.none()  # only tells the schema the model
    serializer_class = AssignmentListSerializer
    permission_classes = [IsAuthenticated, ReadsAssignmentsOrManages]
    pagination_class = CursorPage

    def get_queryset(self):
        return assignment_list(document=self.get_document())

    def post(self, request: Request, pk: int) -> Response:
        serializer = AssignmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotator: AbstractBaseUser = serializer.validated_data["annotator"]
        assignment, created = assignment_create(
            document=self.get_document(), annotator=annotator, by=request.user
        )
        return Response(
            AssignmentListSerializer(assignment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AssignmentSpreadView(DebateScopedMixin, generics.GenericAPIView):
    queryset = Assignment.objects.none()  # only tells the schema the model
    serializer_class = AssignmentListSerializer
    permission_classes = [IsAuthenticated, Manages]

    @extend_schema(
        summary="Spread the documents that need annotators evenly over annotators (managers)",
        description="Each document not yet in review gets annotators until it has the "
        "debate's `annotators_per_document`, each place going to the least loaded of the "
        "annotators named. Answers the assignments made (none when nothing needed one).",
        request=AssignmentSpreadSerializer,
        responses={200: AssignmentListSerializer(many=True)},
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = AssignmentSpreadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = assignments_spread(
            debate=self.get_debate(),
            annotators=serializer.validated_data["annotators"],
            by=request.user,
        )
        return Response(AssignmentListSerializer(created, many=True).data)
