"""Scenes: the worlds tests stand in, built through the services as users would build them.

- ``role_world``: one debate with a user per role and a document with spans in two annotators'
  layers and gold, beside a foreign debate (the API tests' ``world``).
- ``build_side``: a debate with every kind of object (open, in review and adjudicated
  documents, relations, a decision, a built map); two of them make the security tests' world.
- ``team_create``: annotators and a reviewer with API tokens, for the fault tests' served app.
- ``make_gold_layer``: many adjudicated documents of generated gold claims, for map builds.
- ``pages_world``: a side, a document in review whose layers disagree, and a debate with the
  same members and nothing in it: every page of the site in each of its states.
- ``seed_gold`` and ``seed_over_time``: the seed articles' gold layer, and its map in two
  versions (a later article adjudicated between them).

Texts are our own: invented reporting, never passages of published articles.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from annotations.models import Assignment, Relation, ReviewDecision, Span
from annotations.review.selectors import review_state_get
from annotations.review.services import (
    ACCEPT_AGREED,
    DecisionInput,
    assignment_create,
    review_decide,
    review_finish,
)
from annotations.services import SpanInput, document_submit, relation_create, span_create
from debate.models import (
    Actor,
    ActorKind,
    Debate,
    Document,
    DocumentStatus,
    Membership,
    MergeMethod,
    Role,
)
from debate.scheme import default_scheme
from debate.services import DocumentInput, document_create
from debate.text import text_sha256
from maps.models import MapBuild, MapVersion, MergeDecision
from maps.services import map_build_request, map_build_run
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    SpanFactory,
    UserFactory,
    api_token,
)
from tests.fixtures.seed_articles import (
    ARTICLE_000,
    ARTICLE_004,
    ARTICLE_LATER,
    BACKDOOR_LATER,
    SUSPECT_LATER,
    TITLE_000,
    TITLE_004,
    TITLE_LATER,
)
from tests.maps.seed import (
    GOVENDER,
    HARGREAVES,
    ROBERTSON,
    SEED_RELATIONS,
    SEED_SPANS,
    TECH_FIRMS,
)

# --- Texts and spans --------------------------------------------------------------------------
# Emoji (one code point, two UTF-16 units), a combining accent that has no precomposed form
# (x + U+0301), curly quotes and a non-breaking space: every offset after them is a trap.
TEXT = (
    "Tech firms 🔐 say a “backdoor” weakens security for all.\n"
    "The NSPCC says scanning is needed. Then x\u0301 marks\u00a0the spot."
)


def quote(text: str, start: int, end: int) -> dict:
    """Return start, end and quote of ``text[start:end]`` as a span payload."""
    return {"start": start, "end": end, "quote": text[start:end]}


def find(text: str, needle: str) -> tuple[int, int]:
    """Return the code-point offsets of the first ``needle`` in ``text``."""
    start = text.index(needle)
    return start, start + len(needle)


@dataclass
class RoleWorld:
    """One debate with a user per role (ann, ann2, rev, man, res) and a foreign debate."""

    debate: Debate
    foreign_debate: Debate
    document: Document
    foreign_document: Document
    actor: Actor
    foreign_actor: Actor
    users: dict
    span_ann: Span
    span_ann_b: Span
    span_ann2: Span
    span_gold: Span
    span_foreign: Span

    def client(self, who: str | None) -> APIClient:
        """Return a client signed in with a token as ``who`` (None: anonymous)."""
        return token_client(self.users[who] if who is not None else None)

    def span_payload(self, needle: str = "scanning", **extra) -> dict:
        start, end = find(self.document.text, needle)
        return {**quote(self.document.text, start, end), "stance": "pro", "role": "claim", **extra}

    def ids(self) -> dict:
        """Return the primary keys of everything in the world, to load it again later."""
        ids = {name: getattr(self, name).pk for name in _ROLE_WORLD_MODELS}
        ids["users"] = {who: user.pk for who, user in self.users.items()}
        return ids

    @classmethod
    def load(cls, ids: dict) -> "RoleWorld":
        """Return the world read afresh from the database by the keys ``ids()`` gave."""
        users = get_user_model().objects.in_bulk(ids["users"].values())
        return cls(
            users={who: users[pk] for who, pk in ids["users"].items()},
            **{name: model.objects.get(pk=ids[name]) for name, model in _ROLE_WORLD_MODELS.items()},
        )


_ROLE_WORLD_MODELS = {
    "debate": Debate,
    "foreign_debate": Debate,
    "document": Document,
    "foreign_document": Document,
    "actor": Actor,
    "foreign_actor": Actor,
    "span_ann": Span,
    "span_ann_b": Span,
    "span_ann2": Span,
    "span_gold": Span,
    "span_foreign": Span,
}


def token_client(user) -> APIClient:
    """Return an API client signed in with the user's token (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def tag(
    document: Document,
    annotator,
    needle: str,
    *,
    by=None,
    stance: str = "pro",
    role: str = "claim",
    actor: int | None = None,
    note: str = "",
) -> Span:
    """Create a span over the first ``needle`` of the document through the service.

    ``annotator`` None writes gold (``by`` is then the reviewer); ``by`` defaults to the
    annotator.
    """
    start, end = find(document.text, needle)
    data = SpanInput(
        start=start, end=end, quote=needle, stance=stance, role=role, actor=actor, note=note
    )
    return span_create(document=document, annotator=annotator, by=by or annotator, data=data).span


def etag(span: Span) -> str:
    """Return the If-Match value for a span as stored now."""
    span.refresh_from_db()
    return f'"span-{span.pk}-v{span.version}"'


def submitted(document: Document, user) -> Assignment:
    """Return the user's assignment for the document after marking it submitted."""
    assignment, _ = Assignment.objects.get_or_create(document=document, annotator=user)
    assignment.status = "submitted"
    assignment.save()
    return assignment


# --- One debate with every role -----------------------------------------------------------------
def role_world() -> RoleWorld:
    """Build one debate with a user per role and a foreign debate, spans through the services."""
    debate = DebateFactory(slug="encryption", title="Encryption")
    foreign = DebateFactory(slug="other", title="Other debate")
    users = {
        "ann": UserFactory(username="ann"),
        "ann2": UserFactory(username="ann2"),
        "rev": UserFactory(username="rev"),
        "man": UserFactory(username="man", is_staff=True),
        "res": UserFactory(username="res"),
        # A manager elsewhere: powerful in the foreign debate, a stranger here.
        "outsider": UserFactory(username="outsider", is_staff=True),
        "root": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    for who, role in [
        ("ann", Role.ANNOTATOR),
        ("ann2", Role.ANNOTATOR),
        ("rev", Role.REVIEWER),
        ("man", Role.MANAGER),
        ("res", Role.RESEARCHER),
    ]:
        MembershipFactory(debate=debate, user=users[who], role=role)
    MembershipFactory(debate=foreign, user=users["outsider"], role=Role.MANAGER)
    document = DocumentFactory(debate=debate, text=TEXT, title="Scanning row")
    foreign_document = DocumentFactory(debate=foreign, text=TEXT, title="Foreign copy")
    for who in ("ann", "ann2"):
        AssignmentFactory(document=document, annotator=users[who])
    # Spans come through the services, as the API writes them, so their history exists.
    span_ann = tag(document, users["ann"], "Tech firms")
    span_ann_b = tag(document, users["ann"], "weakens security", role="premise")
    span_ann2 = tag(document, users["ann2"], "weakens security")
    span_gold = tag(document, None, "weakens security", by=users["rev"])
    span_foreign = SpanFactory(
        document=foreign_document, annotator=users["outsider"], start=0, end=4
    )
    return RoleWorld(
        debate=debate,
        foreign_debate=foreign,
        document=document,
        foreign_document=foreign_document,
        actor=ActorFactory(debate=debate, name="Rani Govender"),
        foreign_actor=ActorFactory(debate=foreign, name="Someone Else"),
        users=users,
        span_ann=span_ann,
        span_ann_b=span_ann_b,
        span_ann2=span_ann2,
        span_gold=span_gold,
        span_foreign=span_foreign,
    )


# --- Two debates with every kind of object ------------------------------------------------------
ROLES = ("annotator", "annotator2", "reviewer", "manager", "researcher")
ROLE_OF = {
    "annotator": Role.ANNOTATOR,
    "annotator2": Role.ANNOTATOR,
    "reviewer": Role.REVIEWER,
    "manager": Role.MANAGER,
    "researcher": Role.RESEARCHER,
}
CLAIM_LINE = "Tech firms say a backdoor would make services less secure for all."
PREMISE_LINE = "The NSPCC says scanning is needed to protect children."


def plain_words(slug: str) -> Callable[[str], str]:
    """Return the words of a debate with no payloads: "<slug> <field>"."""
    return lambda field: f"{slug} {field}"


@dataclass
class Side:
    """One debate and everything in it, as its members made it."""

    debate: Debate
    users: dict
    actor: Actor
    open_doc: Document
    review_doc: Document
    gold_doc: Document
    span: Span
    premise: Span
    relation: Relation
    gold_span: Span
    gold_relation: Relation
    decision: ReviewDecision
    map_build: MapBuild
    map_version: MapVersion
    merge_decision: MergeDecision

    def user(self, role: str):
        return self.users[role]

    def ids(self) -> dict:
        """Return the primary keys of everything in the side, to load it again later."""
        ids = {name: getattr(self, name).pk for name in _SIDE_MODELS}
        ids["users"] = {role: user.pk for role, user in self.users.items()}
        return ids

    @classmethod
    def load(cls, ids: dict) -> "Side":
        """Return a side read afresh from the database by the keys ``ids()`` gave."""
        users = get_user_model().objects.in_bulk(ids["users"].values())
        return cls(
            users={role: users[pk] for role, pk in ids["users"].items()},
            **{name: model.objects.get(pk=ids[name]) for name, model in _SIDE_MODELS.items()},
        )


_SIDE_MODELS = {
    "debate": Debate,
    "actor": Actor,
    "open_doc": Document,
    "review_doc": Document,
    "gold_doc": Document,
    "span": Span,
    "premise": Span,
    "relation": Relation,
    "gold_span": Span,
    "gold_relation": Relation,
    "decision": ReviewDecision,
    "map_build": MapBuild,
    "map_version": MapVersion,
    "merge_decision": MergeDecision,
}


def build_side(
    slug: str,
    *,
    words: Callable[[str], str] | None = None,
    scheme: dict | None = None,
    usernames: dict | None = None,
    claim_line: str = CLAIM_LINE,
    premise_line: str = PREMISE_LINE,
) -> Side:
    """Build one debate through the services: members, documents, spans, review, a map."""
    words = words or plain_words(slug)
    scheme = scheme or default_scheme()
    stance = {item["side"]: item["key"] for item in reversed(scheme["stances"])}
    claim = scheme["roles"][0]["key"]  # the map builder reads the first role as "claim"
    premise = scheme["roles"][1]["key"]
    supports = next(i["key"] for i in scheme["relation_types"] if i["polarity"] == "support")
    debate = Debate.objects.create(
        slug=slug,
        title=words("debate title")[:200],
        proposition=words("proposition"),
        scheme=scheme,
        annotators_per_document=2,
    )
    usernames = usernames or {}
    users = {}
    for role in ROLES:
        users[role] = UserFactory(
            username=usernames.get(role, f"{slug}-{role}"), is_staff=role == "manager"
        )
        Membership.objects.create(debate=debate, user=users[role], role=ROLE_OF[role])
    actor = Actor.objects.create(
        debate=debate,
        name=words("actor name")[:200],
        affiliation=words("actor affiliation")[:200],
        aliases=[words("actor alias")],
    )
    ann, ann2, reviewer = users["annotator"], users["annotator2"], users["reviewer"]

    def document(name: str) -> Document:
        text = f"{words(name + ' text')}\n{claim_line}\n{premise_line}\n{words(name + ' end')}\n"
        doc, _created = document_create(
            debate=debate,
            data=DocumentInput(
                text=text,
                title=words(name + " title"),
                source=words(name + " source"),
                url=f"https://example.org/{slug}/{name.replace(' ', '-')}",
            ),
        )
        for annotator in (ann, ann2):
            assignment_create(document=doc, annotator=annotator, by=users["manager"])
        return doc

    def annotate(doc: Document, annotator) -> tuple[Span, Span]:
        claim_span = tag(
            doc,
            annotator,
            claim_line,
            stance=stance["contra"],
            role=claim,
            actor=actor.pk,
            note=words("span note"),
        )
        premise_span = tag(doc, annotator, premise_line, stance=stance["contra"], role=premise)
        return claim_span, premise_span

    # Being annotated: the annotator's spans and relation.
    open_doc = document("open document")
    span, premise_span = annotate(open_doc, ann)
    relation = relation_create(
        document=open_doc, by=ann, source=premise_span, target=span, type=supports
    )

    def submit_both_and_accept_agreed(doc):
        for annotator in (ann, ann2):
            annotate(doc, annotator)
            document_submit(document=doc, annotator=annotator)
        review_decide(
            document=doc,
            by=reviewer,
            expected_version=None,
            decision=DecisionInput(action=ACCEPT_AGREED),
        )

    # In review: both layers submitted, one decision recorded.
    review_doc = document("review document")
    submit_both_and_accept_agreed(review_doc)

    # Adjudicated: gold spans and a gold relation, then a map built from them.
    gold_doc = document("gold document")
    submit_both_and_accept_agreed(gold_doc)
    gold = {s.quote: s for s in Span.objects.filter(document=gold_doc, annotator__isnull=True)}
    review_decide(
        document=gold_doc,
        by=reviewer,
        expected_version=None,
        decision=DecisionInput(
            action="link",
            source=gold[premise_line].pk,
            target=gold[claim_line].pk,
            type=supports,
        ),
    )
    review_finish(document=gold_doc, by=reviewer, expected_version=None)
    build = map_build_request(debate=debate, reason=words("map reason"), requested_by=reviewer)
    map_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == "done", build.error
    for doc in (open_doc, review_doc, gold_doc):
        doc.refresh_from_db()
    return Side(
        debate=debate,
        users=users,
        actor=actor,
        open_doc=open_doc,
        review_doc=review_doc,
        gold_doc=gold_doc,
        span=span,
        premise=premise_span,
        relation=relation,
        gold_span=gold[claim_line],
        gold_relation=Relation.objects.get(document=gold_doc, annotator__isnull=True),
        decision=ReviewDecision.objects.filter(document=review_doc).latest("id"),
        map_build=build,
        map_version=build.version,
        # Recorded as a row, after the build: the side's gold layer has one claim and one
        # premise, so no decision the service accepts; the routes only need one to exist
        # (a build would report it as not applicable).
        merge_decision=MergeDecision.objects.create(
            debate=debate,
            kind="split",
            spans=[gold[claim_line].pk],
            other_spans=[gold[premise_line].pk],
            by=reviewer,
        ),
    )


@dataclass
class TwoDebates:
    """Debates alpha and bravo, built alike: a member of one is a stranger to the other."""

    alpha: Side
    bravo: Side

    def api(self, user) -> APIClient:
        """Return an API client signed in with the user's token (no CSRF needed)."""
        return token_client(user)

    def browser(self, user) -> Client:
        """Return a client with the user's session, as the pages use."""
        client = Client()
        client.force_login(user)
        return client


# --- Every page in each of its states -----------------------------------------------------------
@dataclass
class PagesWorld:
    """A side, a document in review whose two layers disagree, and an empty debate."""

    side: Side
    disputed: Document
    quiet: Debate

    def paths(self) -> dict[str, int]:
        """Return the ids the pages' paths name: open, review, gold and disputed documents."""
        side = self.side
        return {
            "open": side.open_doc.pk,
            "review": side.review_doc.pk,
            "gold": side.gold_doc.pk,
            "disputed": self.disputed.pk,
        }


def pages_world(slug: str = "alpha", *, words: Callable[[str], str] | None = None) -> PagesWorld:
    """Build what every page shows in each state: ``build_side`` (with ``words``), a document
    whose two layers disagree in bounds, stance and role (submitted, one unit decided), and a
    debate ``quiet`` with the same members and nothing in it (the empty queue, dashboard and
    map)."""
    words = words or plain_words(slug)
    side = build_side(slug, words=words)
    users = side.users
    text = f"{words('disputed document text')}\n{CLAIM_LINE}\n{PREMISE_LINE}\n"
    disputed, _created = document_create(
        debate=side.debate,
        data=DocumentInput(
            text=text,
            title=words("disputed document title"),
            source=words("disputed document source"),
        ),
    )
    for annotator in (users["annotator"], users["annotator2"]):
        assignment_create(document=disputed, annotator=annotator, by=users["manager"])
    tag(disputed, users["annotator"], CLAIM_LINE, stance="contra", role="claim")
    tag(disputed, users["annotator"], PREMISE_LINE, stance="contra", role="premise")
    tag(disputed, users["annotator2"], "a backdoor would make services less secure", role="premise")
    tag(disputed, users["annotator2"], "scanning is needed", stance="pro", role="claim")
    for annotator in (users["annotator"], users["annotator2"]):
        document_submit(document=disputed, annotator=annotator)
    unit = review_state_get(document=disputed).units[0]
    review_decide(
        document=disputed,
        by=users["reviewer"],
        expected_version=None,
        decision=DecisionInput(action="accept", unit=unit.key, span=unit.spans[0].pk),
    )
    quiet = DebateFactory(slug="quiet", title="Quiet debate")
    for role, user in users.items():
        MembershipFactory(debate=quiet, user=user, role=ROLE_OF[role])
    return PagesWorld(side=side, disputed=disputed, quiet=quiet)


# Rows that requests may legitimately touch without changing anything a user owns.
_VOLATILE_MODELS = {"sessions.session", "admin.logentry", "axes.accessattempt", "axes.accesslog"}


def database_state() -> dict[str, list[tuple]]:
    """Return every row of every model (but sessions and logs), to compare before and after."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _VOLATILE_MODELS or model._meta.proxy:
            continue
        fields = [field.attname for field in model._meta.concrete_fields]
        state[label] = sorted(model.objects.values_list(*fields), key=repr)
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    """Return the models whose rows differ between two database states."""
    return sorted(label for label in before if before[label] != after[label])


# --- A team for the served app --------------------------------------------------------------------
TEAM_TEXT = (
    "Tech firms say a backdoor for scanning makes messaging less secure for everyone. "
    "The NSPCC says client-side scanning is needed to find grooming and abuse. "
    "Security researchers warn that any access for the police is access for criminals too. "
) * 8


@dataclass
class Team:
    """A debate with annotators and a reviewer who hold API tokens, and documents to tag."""

    debate: Debate
    documents: list[Document]
    annotators: dict[str, str]  # username -> token
    reviewer_token: str


def team_create(*, annotators: int, documents: int = 4, gold_documents: int = 3) -> Team:
    """Make the data a fault test needs, committed so the served app sees it."""
    debate = DebateFactory(slug="faults", title="Faults")
    # A few adjudicated documents with gold claims, so a map build has something to build
    # (first: it fills every document of the debate).
    make_gold_layer(debate, documents=gold_documents, spans_per_document=6, seed=7)
    docs = [
        DocumentFactory(debate=debate, text=f"Article {n}. {TEAM_TEXT}") for n in range(documents)
    ]
    tokens = {}
    for n in range(annotators):
        user = UserFactory(username=f"annotator{n:02d}")
        MembershipFactory(debate=debate, user=user, role=Role.ANNOTATOR)
        tokens[user.username] = api_token(user)
    reviewer = UserFactory(username="reviewer")
    MembershipFactory(debate=debate, user=reviewer, role=Role.REVIEWER)
    return Team(debate, docs, tokens, api_token(reviewer))


# --- A large gold layer ---------------------------------------------------------------------------
WORDS = [
    "encryption",
    "backdoor",
    "privacy",
    "safety",
    "children",
    "abuse",
    "platform",
    "scanning",
    "message",
    "secure",
    "vulnerable",
    "journalist",
    "regulator",
    "police",
    "grooming",
    "evidence",
    "report",
    "client",
    "server",
    "key",
    "device",
    "trust",
    "harm",
    "law",
    "duty",
    "care",
    "risk",
    "access",
    "content",
    "private",
    "public",
    "network",
]


def make_gold_layer(
    debate: Debate,
    documents: int,
    spans_per_document: int,
    seed: int,
    status: str = DocumentStatus.ADJUDICATED,
) -> int:
    """Add documents with gold claims to a debate; return the number of claims added.

    The documents are adjudicated unless ``status`` says otherwise: gold spans on documents
    still in review are not part of the gold layer (the map's input) until they are.
    """
    rng = random.Random(seed)
    reviewer, _ = get_user_model().objects.get_or_create(username=f"rev-{debate.slug}")
    docs = []
    for n in range(documents):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))) + "."
            for _ in range(spans_per_document)
        ]
        text = " ".join(sentences)
        docs.append(
            Document(
                debate=debate,
                title=f"Doc {n}",
                text=text,
                sha256=text_sha256(text),
                status=status,
            )
        )
    Document.objects.bulk_create(docs)
    spans = []
    for document in docs:  # only these: a debate may hold documents already
        position = 0
        for sentence in document.text.split(". "):
            end = position + len(sentence)
            spans.append(
                Span(
                    document=document,
                    annotator=None,
                    created_by=reviewer,
                    start=position,
                    end=end,
                    quote=document.text[position:end],
                    stance=rng.choice(["pro", "contra"]),
                    role="claim",
                )
            )
            position = end + 2
    Span.objects.bulk_create(spans, batch_size=5000)
    return len(spans)


# --- The seed scenario's gold layer -------------------------------------------------------------
SEED_TITLES = {100: TITLE_000, 104: TITLE_004}
SEED_ACTORS = {
    ROBERTSON: ("Kate Robertson", ActorKind.PERSON, "Citizen Lab", ["Robertson"]),
    GOVENDER: ("Rani Govender", ActorKind.PERSON, "NSPCC", ["Govender"]),
    HARGREAVES: (
        "Susie Hargreaves",
        ActorKind.PERSON,
        "Internet Watch Foundation",
        ["Hargreaves", "IWF"],
    ),
    TECH_FIRMS: ("the tech firms", ActorKind.COLLECTIVE, "", ["tech companies", "platforms"]),
}


def seed_gold(debate: Debate, reviewer) -> dict:
    """Store the seed scenario's gold layer in ``debate``; return its documents, actors, spans.

    Two adjudicated articles (000 and 004), ten gold spans at the exact offsets of their
    sentences and seven gold relations, as a reviewer's adjudication would leave them.
    The debate merges lexically: the scenario's maps (eight arguments, the tech firms'
    backdoor claims merged by 6 of 8 shared stems, 0.75) are lexical merging's; semantic
    merging, the default for new debates, leaves that pair apart (cosine 0.74, docs/MERGING.md).
    """
    debate.merge_method = MergeMethod.LEXICAL
    debate.save(update_fields=["merge_method"])
    actors = {
        key: ActorFactory(debate=debate, name=name, kind=kind, affiliation=where, aliases=aliases)
        for key, (name, kind, where, aliases) in SEED_ACTORS.items()
    }
    documents = {
        key: DocumentFactory(
            debate=debate,
            title=SEED_TITLES[key],
            source="tests/fixtures/seed_articles.py",
            text=text,
            status=DocumentStatus.ADJUDICATED,
        )
        for key, text in ((100, ARTICLE_000), (104, ARTICLE_004))
    }
    spans = {}
    for span_id, document_key, quote, stance, role, actor_key in SEED_SPANS:
        document = documents[document_key]
        start = document.text.index(quote)  # offsets into the stored (normalised) text
        spans[span_id] = SpanFactory(
            document=document,
            annotator=None,
            created_by=reviewer,
            start=start,
            end=start + len(quote),
            stance=stance,
            role=role,
            actor=actors[actor_key] if actor_key else None,
        )
    for relation in SEED_RELATIONS:
        source, target = spans[relation.source_id], spans[relation.target_id]
        Relation.objects.create(
            document=source.document,
            annotator=None,
            source=source,
            target=target,
            type=relation.type,
            created_by=reviewer,
        )
    return {"documents": documents, "actors": actors, "spans": spans}


# --- The debate over time: the seed scenario in two map versions ------------------------------
SEED_PUBLISHED = {100: None, 104: datetime.date(2023, 2, 14)}
LATER_PUBLISHED = datetime.date(2023, 4, 20)


def _map_version_built(debate: Debate, reason: str) -> MapVersion:
    build = map_build_request(debate=debate, reason=reason)
    map_build_run(build_id=build.pk, worker="scene:1")
    build.refresh_from_db()
    return build.version


def seed_over_time(debate: Debate, reviewer) -> dict:
    """Store the seed gold layer with its articles' days and build its map; then adjudicate a
    later article and build again. Return ``seed_gold``'s scene plus ``later`` (the document)
    and the two versions, ``first`` and ``second``.

    Article 004 was published on 14 February 2023 and 000 has no known day. The later article
    (20 April 2023) repeats the tech firms' backdoor argument, which gains a third source, and
    has Susie Hargreaves, pro until then, voice a contra claim: she turns mixed.
    """
    scene = seed_gold(debate, reviewer)
    for key, day in SEED_PUBLISHED.items():
        Document.objects.filter(pk=scene["documents"][key].pk).update(published=day)
    first = _map_version_built(debate, "the seed articles")
    later = DocumentFactory(
        debate=debate,
        title=TITLE_LATER,
        source="tests/fixtures/seed_articles.py",
        text=ARTICLE_LATER,
        published=LATER_PUBLISHED,
        status=DocumentStatus.ADJUDICATED,
    )
    for quote, stance, actor_key in (
        (BACKDOOR_LATER, "contra", TECH_FIRMS),
        (SUSPECT_LATER, "contra", HARGREAVES),
    ):
        start = later.text.index(quote)
        scene["spans"][quote] = SpanFactory(
            document=later,
            annotator=None,
            created_by=reviewer,
            start=start,
            end=start + len(quote),
            stance=stance,
            role="claim",
            actor=scene["actors"][actor_key],
        )
    second = _map_version_built(debate, "a later article")
    return {**scene, "later": later, "first": first, "second": second}
