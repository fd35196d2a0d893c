"""Two demo annotators' layers of the first demo article, tagged differently, for trying review.

Only ``python manage.py seed_demo_annotations`` loads them: ``seed_demo`` leaves every layer
empty so annotators can try the annotate page fresh. The two layers agree on some spans and
differ on others in every way the review page names (boundaries, stance, role, actor, and
spans only one of them marked), and both are submitted, so the article is ready for review.
"""

from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.db import transaction

from annotations.models import Assignment, AssignmentStatus, Span
from annotations.services import SpanInput, document_submit, relation_create, span_create
from debate.demo import DEBATE, DEMO_SOURCE, SeedReport, seed_demo_debate
from debate.models import Debate, Document


@transaction.atomic
def seed_demo() -> SeedReport:
    """Load the demo debate unless it is there, each document assigned to both demo annotators."""
    report = seed_demo_debate()
    for document in report.documents:
        for annotator in report.annotators:
            Assignment.objects.create(document=document, annotator=annotator)
    return report


class DemoNotLoaded(Exception):
    """The demo debate (``seed_demo``) is not there to annotate."""


@dataclass(frozen=True)
class DemoSpan:
    key: str
    quote: str
    stance: str
    role: str
    actor: str | None


@dataclass(frozen=True)
class DemoLayer:
    """One annotator's layer: the shared spans with this annotator's changes, plus extras."""

    username: str
    # span key -> the DemoSpan fields this annotator tagged differently
    changes: dict[str, dict[str, str | None]] = field(default_factory=dict)
    extra_spans: tuple[DemoSpan, ...] = ()
    # (source key, relation type, target key)
    relations: tuple[tuple[str, str, str], ...] = ()

    def spans(self) -> list[DemoSpan]:
        """Return this layer's spans: the shared ones as changed here, then the extras."""
        shared = [replace(span, **self.changes.get(span.key, {})) for span in SHARED_SPANS]
        return [*shared, *self.extra_spans]


ARTICLE_TITLE = "Encryption row: charities and tech firms clash over message scanning"
SMOKESCREEN = "end\u2011to\u2011end encryption will become a \u201csmokescreen\u201d for abusers"

# The spans both annotators tag, as the first one tags them.
SHARED_SPANS = (
    DemoSpan(
        "false-choice",
        "the choice between safety and privacy is a false one",
        "pro",
        "claim",
        "Rani Govender",
    ),
    DemoSpan(
        "invest",
        "platforms should invest in technical solutions that can detect grooming without "
        "breaking privacy for everyone else",
        "pro",
        "premise",
        "Rani Govender",
    ),
    DemoSpan("smokescreen", SMOKESCREEN, "pro", "claim", "Susie Hargreaves"),
    DemoSpan(
        "backdoor",
        "building a backdoor into encrypted services would make them less secure for all users",
        "contra",
        "claim",
        "Tech firms",
    ),
    DemoSpan(
        "rely",
        "journalists, activists and victims of domestic abuse rely on that protection",
        "contra",
        "premise",
        "Tech firms",
    ),
)
# The second annotator differs in every way the review page names: boundaries, stance, role,
# actor, a span the first did not mark, and a relation of its own.
LAYERS = (
    DemoLayer(
        "annotator",
        relations=(("invest", "supports", "false-choice"), ("rely", "supports", "backdoor")),
    ),
    DemoLayer(
        "annotator2",
        changes={
            "invest": {
                "quote": "platforms should invest in technical solutions",
                "stance": "neutral",
                "actor": "NSPCC",
            },
            "smokescreen": {
                "quote": f"without robust safety measures, {SMOKESCREEN}, letting them keep their "
                "crimes out of sight of anyone who could step in"
            },
            "rely": {"role": "claim"},
        },
        extra_spans=(
            DemoSpan(
                "flared",
                "The long argument over private messages flared again this week",
                "neutral",
                "claim",
                None,
            ),
        ),
        relations=(("rely", "supports", "backdoor"), ("backdoor", "attacks", "smokescreen")),
    ),
)


@transaction.atomic
def seed_demo_annotations() -> list[str]:
    """Tag and submit the first demo article as both demo annotators; return what was done.

    A layer that already has spans, or is submitted, is left as it is, so running this twice
    (or after an annotator started) changes nothing of theirs.
    """
    debate = Debate.objects.filter(slug=DEBATE["slug"]).first()
    if debate is None:
        raise DemoNotLoaded("Load the demo debate first: python manage.py seed_demo")
    document = Document.objects.filter(
        debate=debate, title=ARTICLE_TITLE, source=DEMO_SOURCE
    ).first()
    if document is None:
        raise DemoNotLoaded(f"The demo article {ARTICLE_TITLE!r} is not in the demo debate.")
    actors = dict(debate.actors.values_list("name", "pk"))
    return [_layer_seed(document=document, actors=actors, layer=layer) for layer in LAYERS]


def _layer_seed(*, document: Document, actors: dict[str, int], layer: DemoLayer) -> str:
    """Tag and submit one demo layer unless its annotator started; return what was done."""
    user = get_user_model().objects.filter(username=layer.username).first()
    if user is None:
        raise DemoNotLoaded(f"The demo user {layer.username!r} does not exist.")
    started = Span.objects.filter(document=document, annotator=user).exists()
    submitted = Assignment.objects.filter(
        document=document, annotator=user, status=AssignmentStatus.SUBMITTED
    ).exists()
    if started or submitted:
        return f"{layer.username}: layer already started, left as it is"
    spans = {}
    for item in layer.spans():
        start = document.text.index(item.quote)
        data = SpanInput(
            start=start,
            end=start + len(item.quote),
            quote=item.quote,
            stance=item.stance,
            role=item.role,
            actor=actors.get(item.actor) if item.actor else None,
        )
        spans[item.key] = span_create(document=document, annotator=user, by=user, data=data).span
    for source, kind, target in layer.relations:
        relation_create(
            document=document, by=user, source=spans[source], target=spans[target], type=kind
        )
    document_submit(document=document, annotator=user)
    return f"{layer.username}: {len(spans)} spans tagged and submitted"
