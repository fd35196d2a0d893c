"""A tiny adjudicated debate with three annotators' layers and gold, whose map figures are known.

Document 1 (a1, a2, a3 submitted) and document 2 (a1, a2; a2's layer is empty):

    sentence            gold             a1               a2                 a3
    1 Scanning saves..  pro claim        pro claim        pro claim, short   pro claim
    2 Everyone loses..  contra claim     contra claim     pro claim          -
    3 Police need to..  pro premise      pro premise      -                  pro premise
    4 Keys leak often.  -                -                pro premise        -
    relations           3 supports 1     3 supports 1     4 supports 1       3 supports 1
    doc 2: Privacy is.. contra claim     contra claim     -                  (not assigned)

Gold map: 4 arguments; edges 1 -> P support, 2 -> P attack, doc 2's claim -> P attack,
3 -> 1 support (4). Per layer, matched / layer's / gold's in the layer's documents:

    a1        arguments 4/4/4, edges 4/4/4  (the gold layer itself)
    a2        arguments 2/3/4 (1 and 2 by their units), edges 1/3/4 (only 1 -> P)
    a3        arguments 2/2/3 (document 1 only), edges 2/2/3
    majority  sentence 1 (three votes) and 3 (a1, a3) with their relation; sentence 2 has one
              vote for each stance; on document 2 one vote of two: arguments 2/2/4,
              edges 2/2/4
"""

from annotations.models import AssignmentStatus
from debate.models import DocumentStatus, MergeMethod, Role
from tests.factories import (
    AssignmentFactory,
    DocumentFactory,
    MembershipFactory,
    RelationFactory,
    SpanFactory,
    UserFactory,
)

TEXT = "Scanning saves kids. Everyone loses safety. Police need to read it. Keys leak often."
OTHER = "Privacy is a right. Nothing else here."
SENTENCES = ("Scanning saves kids.", "Everyone loses safety.", "Police need to read it.")
KEYS = "Keys leak often."
PRIVACY = "Privacy is a right."

# layer -> document -> [(quote, stance, role)], and relations as (source quote, target quote).
LAYERS = {
    None: {
        1: [
            (SENTENCES[0], "pro", "claim"),
            (SENTENCES[1], "contra", "claim"),
            (SENTENCES[2], "pro", "premise"),
        ],
        2: [(PRIVACY, "contra", "claim")],
    },
    "a1": {
        1: [
            (SENTENCES[0], "pro", "claim"),
            (SENTENCES[1], "contra", "claim"),
            (SENTENCES[2], "pro", "premise"),
        ],
        2: [(PRIVACY, "contra", "claim")],
    },
    "a2": {
        1: [
            ("Scanning saves kids", "pro", "claim"),
            (SENTENCES[1], "pro", "claim"),
            (KEYS, "pro", "premise"),
        ],
        2: [],
    },
    "a3": {1: [(SENTENCES[0], "pro", "claim"), (SENTENCES[2], "pro", "premise")]},
}
RELATIONS = {
    None: (SENTENCES[2], SENTENCES[0]),
    "a1": (SENTENCES[2], SENTENCES[0]),
    "a2": (KEYS, "Scanning saves kids"),
    "a3": (SENTENCES[2], SENTENCES[0]),
}


def three_layers_and_gold(debate) -> dict:
    """Store the documents, layers and gold above in ``debate``; return the users by name.

    The debate merges lexically, as the figures above were worked out by hand for.
    """
    debate.merge_method = MergeMethod.LEXICAL
    debate.save(update_fields=["merge_method"])
    reviewer = UserFactory(username="rev")
    users = {name: UserFactory(username=name) for name in ("a1", "a2", "a3", "res", "man")}
    for name in ("a1", "a2", "a3"):
        MembershipFactory(debate=debate, user=users[name], role=Role.ANNOTATOR)
    MembershipFactory(debate=debate, user=users["res"], role=Role.RESEARCHER)
    MembershipFactory(debate=debate, user=users["man"], role=Role.MANAGER)
    MembershipFactory(debate=debate, user=reviewer, role=Role.REVIEWER)
    documents = {
        number: DocumentFactory(
            debate=debate, title=f"Document {number}", text=text, status=DocumentStatus.ADJUDICATED
        )
        for number, text in ((1, TEXT), (2, OTHER))
    }
    for name, by_document in LAYERS.items():
        user = users.get(name)
        spans = {}
        for number, tags in by_document.items():
            document = documents[number]
            if user is not None:
                AssignmentFactory(
                    document=document, annotator=user, status=AssignmentStatus.SUBMITTED
                )
            for quote, stance, role in tags:
                start = document.text.index(quote)
                spans[quote] = SpanFactory(
                    document=document,
                    annotator=user,
                    created_by=user or reviewer,
                    start=start,
                    end=start + len(quote),
                    stance=stance,
                    role=role,
                )
        source, target = RELATIONS[name]
        RelationFactory(source=spans[source], target=spans[target], type="supports")
    return {**users, "rev": reviewer, "documents": documents}
