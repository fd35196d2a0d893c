"""The dashboard shows the suggestion model as one more coder, and annotators' decision rates."""

import pytest

from debate.models import SuggestionMode
from debate.selectors import debate_access
from suggestions.selectors import document_suggestions
from suggestions.services import suggestion_decide
from tests.suggestions.seed import store_trained_model

pytestmark = pytest.mark.django_db


def dashboard(client, user):
    client.force_login(user)
    response = client.get("/d/encryption/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_says_how_much_gold_is_missing(client, debate, people):
    page = dashboard(client, people["reviewer"])

    assert "Not trained yet: needs 8 adjudicated documents, has 0." in page
    assert "No annotator has decided on a suggestion yet." in page


def test_the_dashboard_shows_the_models_figures_and_each_annotators_rates(
    client, debate, gold_documents, new_document, people
):
    model = store_trained_model(debate)
    debate.suggestions = SuggestionMode.ON
    debate.save()
    annotator = people["annotator"]
    first, second = document_suggestions(document=new_document, model=model, user=annotator)[:2]
    access = debate_access(user=annotator, debate=debate)
    for suggestion, action in ((first, "accept"), (second, "dismiss")):
        suggestion_decide(
            document=new_document,
            by=annotator,
            access=access,
            model_number=1,
            start=suggestion.start,
            end=suggestion.end,
            action=action,
        )

    page = dashboard(client, people["researcher"])

    report = model.report
    assert "Suggestion model v1, trained on 8 adjudicated documents (44 gold spans)" in page
    row = (
        f'<th scope="row">Suggestion model v1, against gold</th><td>{report["precision"]:.3f}</td>'
        f"<td>{report['recall']:.3f}</td><td>{report['f1']:.3f}</td>"
    )
    assert row in page
    assert (
        '<tr><th scope="row">ann</th><td>2</td><td>1</td><td>0</td><td>1</td><td>0</td>'
        "<td>0.500</td><td>0.000</td></tr>"
    ) in page


def test_saving_a_suggestion_with_its_own_labels_counts_as_accepted(
    debate, gold_documents, new_document, people
):
    model = store_trained_model(debate)
    debate.suggestions = SuggestionMode.ON
    debate.save()
    annotator = people["annotator"]
    first = document_suggestions(document=new_document, model=model, user=annotator)[0]

    decision = suggestion_decide(
        document=new_document,
        by=annotator,
        access=debate_access(user=annotator, debate=debate),
        model_number=1,
        start=first.start,
        end=first.end,
        action="edit",
        stance=first.stance,
        role=first.role,
        note="checked",
    )

    assert decision.action == "accept"
