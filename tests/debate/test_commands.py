import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.urls import reverse

from debate.models import Debate, Membership, Role
from debate.scheme import default_scheme

pytestmark = pytest.mark.django_db

User = get_user_model()

PROPOSITION = "Police forces should be able to read encrypted messages with a warrant."


# --- create_debate ----------------------------------------------------------------------------


def test_create_debate_uses_the_default_scheme(run_command):
    stdout, stderr = run_command(
        "create_debate", "policing", "--title", "Policing", "--proposition", PROPOSITION
    )

    assert stdout == "Created debate 'policing': Policing\n"
    assert stderr == ""
    debate = Debate.objects.get()
    assert (debate.slug, debate.title, debate.proposition) == ("policing", "Policing", PROPOSITION)
    assert debate.scheme == default_scheme()
    assert debate.annotators_per_document == 2


def test_create_debate_reads_a_scheme_file(run_command, tmp_path):
    scheme = default_scheme()
    scheme["roles"].append({"key": "evidence", "label": "Evidence"})
    scheme["stances"] = [
        {"key": "for", "label": "For warrants", "side": "pro"},
        {"key": "against", "label": "Against", "side": "contra"},
    ]
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(scheme), encoding="utf-8")

    stdout, _ = run_command(
        "create_debate", "policing", "--title", "Policing", "--proposition", PROPOSITION,
        "--scheme", str(path),
    )  # fmt: skip

    assert stdout == "Created debate 'policing': Policing\n"
    assert Debate.objects.get().scheme == scheme


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            {
                "stances": [{"key": "pro", "label": "Pro", "side": "maybe"}],
                "relation_types": [{"key": "supports", "polarity": "support"}],
            },
            "Invalid scheme file {path}: stances[0].side: must be one of pro, contra, neutral. "
            "roles: must be a non-empty list.",
        ),
        (
            ["pro", "contra"],
            "Invalid scheme file {path}: The label scheme must be an object with stances, "
            "roles and relation_types.",
        ),
        (
            default_scheme() | {"colours": []},
            "Invalid scheme file {path}: unknown parts: colours.",
        ),
        (
            default_scheme() | {"roles": [{"key": "claim"}, {"key": "claim"}]},
            "Invalid scheme file {path}: roles[1].key: 'claim' is used twice.",
        ),
    ],
)
def test_create_debate_refuses_an_invalid_scheme_file(run_command, tmp_path, content, message):
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(content), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        run_command(
            "create_debate", "policing", "--title", "T", "--proposition", "P",
            "--scheme", str(path),
        )  # fmt: skip

    assert str(caught.value) == message.format(path=path)
    assert Debate.objects.count() == 0


def test_create_debate_refuses_an_unreadable_scheme_file(run_command, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{stances: []}", encoding="utf-8")
    missing = tmp_path / "missing.json"

    with pytest.raises(CommandError) as caught:
        run_command("create_debate", "a", "--title", "T", "--proposition", "P", "--scheme", broken)
    assert str(caught.value) == (
        f"Cannot read the scheme file {broken}: "
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )
    with pytest.raises(CommandError) as caught:
        run_command("create_debate", "a", "--title", "T", "--proposition", "P", "--scheme", missing)
    assert str(caught.value) == (
        f"Cannot read the scheme file {missing}: [Errno 2] No such file or directory: '{missing}'"
    )
    assert Debate.objects.count() == 0


def test_create_debate_refuses_a_slug_in_use(run_command, debate):
    with pytest.raises(CommandError) as caught:
        run_command("create_debate", "encryption", "--title", "Again", "--proposition", "P")
    assert str(caught.value) == "A debate with slug 'encryption' already exists."
    assert Debate.objects.get().title == "Encryption"


def test_create_debate_refuses_an_invalid_slug(run_command):
    with pytest.raises(CommandError) as caught:
        run_command("create_debate", "not a slug", "--title", "T", "--proposition", "P")
    assert str(caught.value) == (
        "Invalid debate: Enter a valid \u201cslug\u201d consisting of letters, numbers, "
        "underscores or hyphens."
    )
    assert Debate.objects.count() == 0


# --- add_member -------------------------------------------------------------------------------


def test_add_member_creates_a_user_without_a_password(run_command, debate):
    stdout, _ = run_command("add_member", "encryption", "alice", "annotator")

    assert stdout == (
        "Created user 'alice'.\n"
        "Added 'alice' to encryption as annotator.\n"
        "The new user has no password; pass --password to let them log in.\n"
    )
    alice = User.objects.get(username="alice")
    assert alice.has_usable_password() is False
    assert alice.is_staff is False
    assert Membership.objects.get(user=alice).role == Role.ANNOTATOR


def test_add_member_password_lets_the_user_log_in(run_command, debate, client):
    stdout, _ = run_command(
        "add_member", "encryption", "bob", "reviewer", "--password", "Tr0ub4dor&3-horse"
    )

    assert stdout == "Created user 'bob'.\nAdded 'bob' to encryption as reviewer.\n"
    response = client.post(reverse("login"), {"username": "bob", "password": "Tr0ub4dor&3-horse"})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(User.objects.get(username="bob").pk)


def test_add_member_changes_a_role_and_says_so(run_command, debate):
    run_command("add_member", "encryption", "alice", "annotator")

    stdout, _ = run_command("add_member", "encryption", "alice", "reviewer")
    assert stdout == "Changed 'alice' in encryption from annotator to reviewer.\n"
    assert Membership.objects.get(user__username="alice").role == Role.REVIEWER

    stdout, _ = run_command("add_member", "encryption", "alice", "reviewer")
    assert stdout == "'alice' already is reviewer of encryption.\n"
    assert Membership.objects.count() == 1
    assert User.objects.count() == 1


def test_add_member_sets_a_new_password_for_an_existing_user(run_command, debate, member):
    carol = member(Role.ANNOTATOR, username="carol")

    stdout, _ = run_command(
        "add_member", "encryption", "carol", "annotator", "--password", "an0ther-l0ng-secret"
    )

    assert stdout == (
        "Set a new password for 'carol'.\n'carol' already is annotator of encryption.\n"
    )
    carol.refresh_from_db()
    assert carol.check_password("an0ther-l0ng-secret")


def test_add_member_as_manager_makes_the_user_staff(run_command, debate):
    stdout, _ = run_command("add_member", "encryption", "dora", "manager")
    assert "Added 'dora' to encryption as manager.\n" in stdout
    dora = User.objects.get(username="dora")
    assert (dora.is_staff, dora.is_superuser) == (True, False)


def test_add_member_refuses_an_unknown_debate(run_command):
    with pytest.raises(CommandError) as caught:
        run_command("add_member", "nope", "alice", "annotator")
    assert str(caught.value) == "No debate with slug 'nope'."
    assert User.objects.count() == 0


def test_add_member_refuses_an_unknown_role(run_command, debate):
    with pytest.raises(CommandError, match=r"argument role: invalid choice: 'boss'"):
        run_command("add_member", "encryption", "alice", "boss")
    assert User.objects.count() == 0


def test_add_member_refuses_a_weak_password_and_creates_nothing(run_command, debate):
    with pytest.raises(CommandError) as caught:
        run_command("add_member", "encryption", "erin", "annotator", "--password", "12345")
    assert str(caught.value) == (
        "This password is too short. It must contain at least 8 characters. "
        "This password is too common. This password is entirely numeric."
    )
    assert User.objects.count() == 0
    assert Membership.objects.count() == 0


def test_add_member_refuses_an_invalid_username(run_command, debate):
    with pytest.raises(CommandError, match=r"^Enter a valid username"):
        run_command("add_member", "encryption", "not valid!", "annotator")
    assert User.objects.count() == 0


@pytest.mark.parametrize("username", ["gold", "mine", "All"])
def test_add_member_refuses_a_username_the_api_reads_as_a_layer(run_command, debate, username):
    with pytest.raises(CommandError) as caught:
        run_command("add_member", "encryption", username, "annotator")
    assert str(caught.value) == f"{username!r} names a layer in the API (?layer=); choose another."
    assert User.objects.count() == 0
