"""What the guidelines panel (annotate page) and banner (debate home) show, as page data."""

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from debate.models import Debate
from debate.selectors import debate_access, guidelines_current, guidelines_to_read


def guidelines_panel(*, user: AbstractBaseUser, debate: Debate) -> dict:
    """Return the current guidelines as a page shows them, and whether the user must read them.

    ``html`` is sanitized (debate.markdown), so templates and scripts insert it as it is.
    """
    current = guidelines_current(debate=debate)
    access = debate_access(user=user, debate=debate)
    return {
        "version": current.version if current else None,
        "html": current.html if current else "",
        "updated_by": current.created_by.get_username() if current else None,
        "updated_at": current.created_at if current else None,
        "must_read": guidelines_to_read(access=access, debate=debate) is not None,
        "urls": {
            "page": reverse("guidelines", args=[debate.slug]),
            "read": reverse("guidelines-read", args=[debate.slug]),
        },
    }
