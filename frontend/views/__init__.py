"""Server-rendered pages; their data comes from the same querysets as the API.

One module per page family: ``debate`` (home, a debate, the next document), ``annotate``,
``review`` (queue, review, gold, dashboard, assignment), ``maps``, ``manage`` (members,
import) and ``account`` (tokens, passwords); ``common`` holds what they share.
"""

from frontend.views.account import (
    LoginView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
    account_page,
)
from frontend.views.annotate import (
    ANNOTATE_MODULES,
    RESERVED_SHORTCUTS,
    AnnotateStartView,
    annotate,
    shortcut_letters,
)
from frontend.views.debate import debate_home, home, queue_next
from frontend.views.manage import import_page, members_page
from frontend.views.maps import map_page
from frontend.views.review import (
    assign_page,
    dashboard_page,
    gold_page,
    review_page,
    review_queue_page,
)

__all__ = [
    "ANNOTATE_MODULES",
    "RESERVED_SHORTCUTS",
    "AnnotateStartView",
    "LoginView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetView",
    "account_page",
    "annotate",
    "assign_page",
    "dashboard_page",
    "debate_home",
    "gold_page",
    "home",
    "import_page",
    "map_page",
    "members_page",
    "queue_next",
    "review_page",
    "review_queue_page",
    "shortcut_letters",
]
