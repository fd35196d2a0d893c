import pytest
from django.contrib.auth import get_user_model

from annotations.models import Assignment, AssignmentStatus
from debate.demo import DEMO_DIR, DEMO_PASSWORD, DEMO_SOURCE
from debate.models import Actor, ActorKind, Debate, Document, Guidelines, Membership, Role
from debate.scheme import stance_side, validate_scheme
from debate.text import normalize_text, text_sha256

pytestmark = pytest.mark.django_db

User = get_user_model()

LOGINS = (
    "Demo logins (password 'debatemap-demo'): annotator (annotator), annotator2 (annotator), "
    "reviewer (reviewer), manager (manager), researcher (researcher)\n"
)
ALREADY_LOADED = "The demo debate is already loaded; nothing changed.\n"


def _snapshot() -> dict[str, list]:
    """Return the ids of every row the demo touches, table by table."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Debate, Actor, User, Membership, Document, Assignment, Guidelines)
    }


def test_seed_demo_loads_the_encryption_debate(run_command):
    stdout, stderr = run_command("seed_demo")

    assert stderr == ""
    debate = Debate.objects.get()
    assert debate.slug == "encryption"
    assert debate.title == "Client-side scanning vs end-to-end encryption"
    assert debate.proposition == (
        "Messaging platforms should be able to scan the content of private, end-to-end "
        "encrypted messages (client-side scanning) when children's safety is at stake."
    )
    validate_scheme(debate.scheme)
    assert stance_side(debate.scheme, "pro") == "pro"
    assert stance_side(debate.scheme, "contra") == "contra"
    assert [s["key"] for s in debate.scheme["stances"]] == ["pro", "contra", "neutral"]
    assert [r["key"] for r in debate.scheme["roles"]] == ["claim", "premise"]
    assert [t["key"] for t in debate.scheme["relation_types"]] == ["supports", "attacks"]
    # Every stance and role says what it means, for the tag form.
    for part in ("stances", "roles"):
        assert all(len(item["definition"]) > 40 for item in debate.scheme[part]), part

    guidelines = Guidelines.objects.get(debate=debate)
    assert (guidelines.version, guidelines.created_by.username) == (1, "manager")
    assert guidelines.text_markdown == (DEMO_DIR / "guidelines.md").read_text().strip()
    for heading in ("Stance is always relative", "Claim or premise", "reported speech"):
        assert heading in guidelines.text_markdown

    actors = {a.name: a for a in Actor.objects.filter(debate=debate)}
    assert sorted(actors) == [
        "Home Office",
        "John Campion",
        "Kate Robertson",
        "NSPCC",
        "Peter Wanless",
        "Rani Govender",
        "Susie Hargreaves",
        "Tech firms",
    ]
    assert (actors["Kate Robertson"].kind, actors["Kate Robertson"].affiliation) == (
        ActorKind.PERSON,
        "Citizen Lab",
    )
    assert actors["Rani Govender"].affiliation == "NSPCC"
    assert actors["Susie Hargreaves"].affiliation == "Internet Watch Foundation"
    assert "IWF" in actors["Susie Hargreaves"].aliases
    assert actors["Tech firms"].kind == ActorKind.COLLECTIVE
    assert {"tech firms", "tech companies", "platforms", "messaging apps"} <= set(
        actors["Tech firms"].aliases
    )
    assert actors["NSPCC"].kind == ActorKind.ORGANISATION
    assert actors["Home Office"].kind == ActorKind.ORGANISATION
    for actor in actors.values():
        actor.full_clean()  # aliases are a list of non-empty strings

    roles = dict(Membership.objects.filter(debate=debate).values_list("user__username", "role"))
    assert roles == {
        "annotator": Role.ANNOTATOR,
        "annotator2": Role.ANNOTATOR,
        "reviewer": Role.REVIEWER,
        "manager": Role.MANAGER,
        "researcher": Role.RESEARCHER,
    }
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_staff is (user.username == "manager")
        assert user.is_superuser is False

    files = sorted(DEMO_DIR.glob("*.txt"))
    assert len(files) == 3
    documents = list(Document.objects.filter(debate=debate).order_by("id"))
    assert [d.text for d in documents] == [
        normalize_text(f.read_text(encoding="utf-8")) for f in files
    ]
    assert [d.title for d in documents] == [
        "Encryption row: charities and tech firms clash over message scanning",
        "Researchers warn against \u201cdrilling holes\u201d in encryption",
        "Grooming offences at record level, NSPCC figures show",
    ]
    for document in documents:
        assert document.source == DEMO_SOURCE
        assert document.sha256 == text_sha256(document.text)

    assignments = set(
        Assignment.objects.values_list("document__title", "annotator__username", "status")
    )
    assert assignments == {
        (d.title, annotator, AssignmentStatus.ASSIGNED)
        for d in documents
        for annotator in ("annotator", "annotator2")
    }

    lines = stdout.splitlines(keepends=True)
    assert lines[0] == "created debate encryption\n"
    assert "created actor Kate Robertson\n" in lines
    assert "created user manager\n" in lines
    assert "created membership manager (manager)\n" in lines
    assert "created document Grooming offences at record level, NSPCC figures show\n" in lines
    assert lines[-1] == LOGINS
    assert "created guidelines version 1\n" in lines
    assert len(lines) == 1 + 8 + 5 + 5 + 1 + 3 + 1


def test_seed_demo_twice_changes_nothing(run_command):
    run_command("seed_demo")
    before = _snapshot()

    stdout, _ = run_command("seed_demo")

    assert stdout == ALREADY_LOADED + LOGINS
    assert _snapshot() == before
    assert {name: len(ids) for name, ids in before.items()} == {
        "Debate": 1,
        "Actor": 8,
        "User": 5,
        "Membership": 5,
        "Document": 3,
        "Assignment": 6,
        "Guidelines": 1,
    }


def test_seed_demo_does_not_undo_what_users_changed(run_command):
    run_command("seed_demo")
    Debate.objects.update(title="Scanning, renamed by a manager")
    Actor.objects.filter(name="Tech firms").update(name="The tech firms")
    Assignment.objects.filter(annotator__username="annotator2").first().delete()
    document = Document.objects.order_by("id").first()
    document.text = document.text + "\nA correction added by a manager."
    document.save()
    reviewer = User.objects.get(username="reviewer")
    reviewer.set_password("a-new-secret-password")
    reviewer.save()
    Membership.objects.filter(user=reviewer).update(role=Role.ANNOTATOR)
    before = _snapshot()

    stdout, _ = run_command("seed_demo")

    assert stdout == ALREADY_LOADED + LOGINS
    assert _snapshot() == before
    assert Debate.objects.get().title == "Scanning, renamed by a manager"
    assert not Actor.objects.filter(name="Tech firms").exists()
    assert Assignment.objects.count() == 5
    assert Document.objects.get(pk=document.pk).text.endswith("A correction added by a manager.")
    reviewer.refresh_from_db()
    assert reviewer.check_password("a-new-secret-password")
    assert Membership.objects.get(user=reviewer).role == Role.ANNOTATOR


def test_seed_demo_keeps_the_password_of_an_existing_user(run_command):
    existing = User.objects.create_user("manager", password="my-own-password-123")

    stdout, _ = run_command("seed_demo")

    existing.refresh_from_db()
    assert existing.check_password("my-own-password-123")
    assert existing.is_staff is True  # a manager works in the admin
    assert Membership.objects.get(user=existing).role == Role.MANAGER
    assert "created user manager\n" not in stdout
    assert "created membership manager (manager)\n" in stdout
    assert User.objects.count() == 5
