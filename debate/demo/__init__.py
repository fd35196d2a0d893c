"""The demo debate on client-side scanning versus end-to-end encryption, as data.

``seed_demo`` loads it once: the debate's slug marks the demo as loaded, so a second run
changes nothing and never undoes what users did since (a renamed actor is not created again,
an edited text does not come back as a second document, a removed assignment stays removed).
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from debate.models import ActorKind, Debate, Role
from debate.services import (
    DocumentInput,
    actor_create,
    debate_create,
    document_create,
    guidelines_publish,
    member_add,
)

DEMO_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "debatemap-demo"  # noqa: S105 - the documented demo login
DEMO_SOURCE = "Debatemap demo corpus (written for the project)"

DEBATE = {
    "slug": "encryption",
    "title": "Client-side scanning vs end-to-end encryption",
    "proposition": (
        "Messaging platforms should be able to scan the content of private, end-to-end "
        "encrypted messages (client-side scanning) when children's safety is at stake."
    ),
}

# Pro = for scanning; contra = for end-to-end encryption without that access.
SCHEME = {
    "stances": [
        {
            "key": "pro",
            "label": "Pro scanning",
            "side": "pro",
            "color": "#1f6feb",
            "definition": "For the proposition: the passage argues that platforms should be "
            "able to scan encrypted messages to protect children (the need to detect abuse, "
            "that scanning can respect privacy, that the harm outweighs the risk).",
        },
        {
            "key": "contra",
            "label": "Contra (keep E2EE)",
            "side": "contra",
            "color": "#c2410c",
            "definition": "Against the proposition: the passage argues for end-to-end "
            "encryption without scanning (backdoors weaken security for all, people at risk "
            "depend on private messages, scanning treats every user as a suspect).",
        },
        {
            "key": "neutral",
            "label": "Neutral",
            "side": "neutral",
            "color": "#57606a",
            "definition": "Part of the argument but on neither side: a figure or fact given "
            "without a conclusion, a question, or a summary of both sides.",
        },
    ],
    "roles": [
        {
            "key": "claim",
            "label": "Claim",
            "definition": "A position the speaker asks us to accept about scanning or "
            "encryption: what should happen or what is the case. It could answer the "
            "proposition on its own.",
        },
        {
            "key": "premise",
            "label": "Premise",
            "definition": "A reason given for or against a claim: a fact, figure, example or "
            'consequence. It answers "why?"; link it to its claim with Supports or Attacks.',
        },
    ],
    "relation_types": [
        {"key": "supports", "label": "Supports", "polarity": "support"},
        {"key": "attacks", "label": "Attacks", "polarity": "attack"},
    ],
}

ACTORS = [
    ("Kate Robertson", ActorKind.PERSON, "Citizen Lab", ["Robertson", "Citizen Lab"]),
    (
        "Rani Govender",
        ActorKind.PERSON,
        "NSPCC",
        ["Govender", "Senior Policy Officer at the NSPCC"],
    ),
    (
        "Susie Hargreaves",
        ActorKind.PERSON,
        "Internet Watch Foundation",
        ["Hargreaves", "Internet Watch Foundation", "IWF"],
    ),
    (
        "Tech firms",
        ActorKind.COLLECTIVE,
        "",
        [
            "tech firms",
            "tech companies",
            "technology companies",
            "technology firms",
            "platforms",
            "messaging apps",
            "the companies",
        ],
    ),
    ("NSPCC", ActorKind.ORGANISATION, "", ["the charity", "children's charity", "NSPCC\u2019s"]),
    (
        "Home Office",
        ActorKind.ORGANISATION,
        "UK Government",
        ["Home Office spokesman", "Home Secretary"],
    ),
    (
        "John Campion",
        ActorKind.PERSON,
        "West Mercia Police and Crime Commissioner",
        ["Campion", "PCC"],
    ),
    ("Peter Wanless", ActorKind.PERSON, "NSPCC", ["Wanless"]),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str


USERS = [
    DemoUser("annotator", Role.ANNOTATOR),
    DemoUser("annotator2", Role.ANNOTATOR),
    DemoUser("reviewer", Role.REVIEWER),
    DemoUser("manager", Role.MANAGER),
    DemoUser("researcher", Role.RESEARCHER),
]


@dataclass
class SeedReport:
    created: list[str]
    # What a caller assigns: the demo's documents, each to every demo annotator.
    documents: list = field(default_factory=list)
    annotators: list = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


@transaction.atomic
def seed_demo_debate() -> SeedReport:
    """Load the demo debate unless it is already there; return what was created."""
    report = SeedReport(created=[])
    if Debate.objects.filter(slug=DEBATE["slug"]).exists():
        return report
    debate = debate_create(scheme=SCHEME, **DEBATE)
    report.add(f"debate {debate.slug}")
    for name, kind, affiliation, aliases in ACTORS:
        actor_create(debate=debate, name=name, kind=kind, affiliation=affiliation, aliases=aliases)
        report.add(f"actor {name}")
    User = get_user_model()
    annotators = []
    for demo in USERS:
        # A user of that name who already exists keeps their password.
        if not User.objects.filter(username=demo.username).exists():
            User.objects.create_user(demo.username, password=DEMO_PASSWORD)
            report.add(f"user {demo.username}")
        change = member_add(debate=debate, username=demo.username, role=demo.role)
        report.add(f"membership {demo.username} ({demo.role})")
        if demo.role == Role.ANNOTATOR:
            annotators.append(change.user)
    manager = User.objects.get(username=next(u.username for u in USERS if u.role == Role.MANAGER))
    guidelines = guidelines_publish(
        debate=debate, text=(DEMO_DIR / "guidelines.md").read_text(encoding="utf-8"), by=manager
    ).guidelines
    report.add(f"guidelines version {guidelines.version}")
    for path in sorted(DEMO_DIR.glob("*.txt")):
        document, _created = document_create(
            debate=debate,
            data=DocumentInput(text=path.read_text(encoding="utf-8"), source=DEMO_SOURCE),
        )
        report.add(f"document {document.title}")
        report.documents.append(document)
    report.annotators = annotators
    return report
