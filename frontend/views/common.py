"""What the pages share: the caller's role and access in a debate, its stance colours."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from debate.models import Debate, Membership
from debate.permissions import DebateAccess
from debate.selectors import debate_access


def member_role(user, debate: Debate) -> str:
    """Return the user's role in the debate, or "superuser" for a superuser who is no member."""
    membership = Membership.objects.filter(debate=debate, user=user).only("role").first()
    return membership.role if membership else "superuser"


def debate_for(request: HttpRequest, slug: str) -> tuple[Debate, DebateAccess]:
    """Return a debate the user is a member of (404 otherwise) and their access to it."""
    debate = get_object_or_404(Debate.objects.visible_to(request.user), slug=slug)
    return debate, debate_access(user=request.user, debate=debate)


def stance_styles(debate: Debate) -> list[dict]:
    """Return the debate's stances with their labels and colours, for a page's legend."""
    return [
        {"key": s["key"], "label": s.get("label", s["key"]), "color": s.get("color", "#57606a")}
        for s in debate.scheme["stances"]
    ]
