"""Guidelines: versions published only on change, immutable, read marks per version and member."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from debate.models import (
    MAX_GUIDELINES_CHARS,
    Guidelines,
    GuidelinesImmutable,
    GuidelinesRead,
    Role,
)
from debate.permissions import DebateAccess
from debate.selectors import (
    debate_access,
    guidelines_current,
    guidelines_history,
    guidelines_readers,
    guidelines_to_read,
    guidelines_version_get,
)
from debate.services import GuidelinesStale, guidelines_mark_read, guidelines_publish
from tests.factories import DebateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(member):
    return member(Role.MANAGER, username="manager")


def publish(debate, manager, text, **kwargs):
    return guidelines_publish(debate=debate, text=text, by=manager, **kwargs)


# --- Publishing -------------------------------------------------------------------------------
def test_each_changed_text_is_a_new_version_and_the_highest_is_current(debate, manager):
    first = publish(debate, manager, "# Stance\r\n\r\nRelative to the proposition.\r\n\r\n")
    same = publish(debate, manager, "\n# Stance\n\nRelative to the proposition.   \n")
    second = publish(debate, manager, "# Stance\n\nAlways relative to the proposition.")

    assert (first.created, same.created, second.created) == (True, False, True)
    assert same.guidelines.pk == first.guidelines.pk
    # Stored with \n line ends and no blank lines or spaces around the text.
    assert first.guidelines.text_markdown == "# Stance\n\nRelative to the proposition."
    assert [g.version for g in guidelines_history(debate=debate)] == [2, 1]
    assert guidelines_current(debate=debate).pk == second.guidelines.pk
    assert guidelines_version_get(debate=debate, version=1).pk == first.guidelines.pk
    assert second.guidelines.created_by == manager


def test_versions_are_numbered_per_debate(debate, manager, member):
    other = DebateFactory(slug="other")
    other_manager = UserFactory(username="other-manager")
    other.memberships.create(user=other_manager, role=Role.MANAGER)
    publish(debate, manager, "One.")
    publish(debate, manager, "Two.")

    elsewhere = publish(other, other_manager, "One.")

    assert elsewhere.guidelines.version == 1
    assert guidelines_current(debate=debate).version == 2


def test_a_debate_without_guidelines_has_no_current_version(debate):
    assert guidelines_current(debate=debate) is None
    assert list(guidelines_history(debate=debate)) == []
    with pytest.raises(Guidelines.DoesNotExist):
        guidelines_version_get(debate=debate, version=1)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Stance\x00 means", "Contains a NUL character (U+0000)."),
        ("", "The guidelines are empty: write them before publishing."),
        (" \n\t\n ", "The guidelines are empty: write them before publishing."),
        (
            "x" * (MAX_GUIDELINES_CHARS + 1),
            "Must be at most 100,000 characters; this text has 100,001.",
        ),
    ],
)
def test_a_refused_text_names_the_field_and_writes_nothing(debate, manager, text, error):
    with pytest.raises(ValidationError) as refused:
        publish(debate, manager, text)

    assert refused.value.message_dict == {"text": [error]}
    assert Guidelines.objects.count() == 0


def test_the_longest_text_is_accepted(debate, manager):
    assert publish(debate, manager, "x" * MAX_GUIDELINES_CHARS).created


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER, Role.RESEARCHER])
def test_only_managers_and_superusers_publish(debate, member, role):
    with pytest.raises(PermissionDenied):
        publish(debate, member(role), "Text.")
    stranger = UserFactory(username="stranger")
    with pytest.raises(PermissionDenied):
        publish(debate, stranger, "Text.")
    root = UserFactory(username="root", is_superuser=True)

    assert publish(debate, root, "Text.").guidelines.created_by == root
    assert Guidelines.objects.count() == 1


def test_a_stale_edit_publishes_nothing(debate, manager):
    publish(debate, manager, "One.", expected_version=0)
    publish(debate, manager, "Two.", expected_version=1)

    with pytest.raises(GuidelinesStale) as stale:
        publish(debate, manager, "Three, from version one.", expected_version=1)
    with pytest.raises(GuidelinesStale):
        publish(debate, manager, "Written before any.", expected_version=0)

    assert stale.value.current_version == 2
    assert str(stale.value).startswith("Version 2 of the guidelines was published after")
    assert [g.version for g in guidelines_history(debate=debate)] == [2, 1]


def test_published_versions_never_change(debate, manager):
    guidelines = publish(debate, manager, "One.").guidelines
    guidelines.text_markdown = "Changed."

    with pytest.raises(GuidelinesImmutable):
        guidelines.save()

    guidelines.refresh_from_db()
    assert guidelines.text_markdown == "One."


def test_the_database_refuses_a_second_row_of_one_version_and_version_zero(debate, manager):
    publish(debate, manager, "One.")
    for version in (1, 0):
        with pytest.raises(IntegrityError), transaction.atomic():
            Guidelines.objects.create(
                debate=debate, version=version, text_markdown="x", created_by=manager
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        Guidelines.objects.create(debate=debate, version=5, text_markdown="", created_by=manager)


def test_html_is_rendered_from_the_markdown(debate, manager):
    guidelines = publish(debate, manager, "# Claim\n\n<script>alert(1)</script>").guidelines

    assert guidelines.html == "<h2>Claim</h2>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


# --- Reading ----------------------------------------------------------------------------------
def _access(user, debate) -> DebateAccess:
    return debate_access(user=user, debate=debate)


def test_annotators_and_reviewers_are_asked_once_per_new_version(debate, manager, member):
    annotator, reviewer = member(Role.ANNOTATOR, "ann"), member(Role.REVIEWER, "rev")
    researcher = member(Role.RESEARCHER, "res")
    assert guidelines_to_read(access=_access(annotator, debate), debate=debate) is None
    first = publish(debate, manager, "One.").guidelines

    asked = {
        user.username: guidelines_to_read(access=_access(user, debate), debate=debate)
        for user in (annotator, reviewer, researcher, manager)
    }
    assert asked == {"ann": first, "rev": first, "res": None, "manager": None}

    assert guidelines_mark_read(debate=debate, user=annotator, version=1) is True
    assert guidelines_mark_read(debate=debate, user=annotator, version=1) is False
    assert guidelines_to_read(access=_access(annotator, debate), debate=debate) is None
    assert guidelines_readers(guidelines=first) == {"read": ["ann"], "unread": ["rev"]}

    second = publish(debate, manager, "Two.").guidelines
    assert guidelines_to_read(access=_access(annotator, debate), debate=debate) == second
    # Confirming the older version (a page left open) does not count for the new one.
    guidelines_mark_read(debate=debate, user=reviewer, version=1)
    assert guidelines_to_read(access=_access(reviewer, debate), debate=debate) == second
    assert guidelines_readers(guidelines=second) == {"read": [], "unread": ["ann", "rev"]}
    assert GuidelinesRead.objects.count() == 2


def test_marking_an_unknown_version_or_by_a_stranger_is_refused(debate, manager, member):
    annotator = member(Role.ANNOTATOR, "ann")
    publish(debate, manager, "One.")

    with pytest.raises(ValidationError) as unknown:
        guidelines_mark_read(debate=debate, user=annotator, version=2)
    with pytest.raises(PermissionDenied):
        guidelines_mark_read(debate=debate, user=UserFactory(username="stranger"), version=1)

    assert unknown.value.message_dict == {"version": ["This debate has no guidelines version 2."]}
    assert GuidelinesRead.objects.count() == 0
