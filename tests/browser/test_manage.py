"""A debate's manager in Chromium: imports a zip of documents on the import page, watching the
upload's progress and reading the report; adds an annotator (an account in no debate) on the
members page, who then logs in and annotates; changes a role and removes a member.
"""

import io
import zipfile

import pytest
from playwright.sync_api import Page, expect

from annotations.models import Span
from debate.models import Document, Membership, Role
from suggestions.models import SuggestionGrant
from tests.browser.conftest import select_text
from tests.factories import PASSWORD, DocumentFactory, UserFactory

HELD = "The Online Safety Act gives Ofcom powers over encrypted messaging.\n"
# A text long enough that its upload, slowed to THROTTLE bytes a second, takes a few seconds.
FILLER = "".join(
    f"Paragraph {n}: the regulator says scanning on the phone keeps encryption intact.\n"
    for n in range(12_000)
)
THROTTLE = 256 * 1024


def corpus_zip() -> bytes:
    """Return the zip a manager uploads: three new documents, a duplicate and two refusals."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("articles/backdoor.txt", "Tech firms say a backdoor weakens everyone.\n")
        archive.writestr("articles/safety.md", "# Safety first\n\nThe NSPCC wants scanning.\n")
        archive.writestr("articles/long.txt", FILLER)
        archive.writestr("articles/held-already.txt", HELD)
        archive.writestr("articles/blank.txt", "  \n\n")
        archive.writestr("articles/scan.pdf", b"%PDF-1.4 not a text")
    return buffer.getvalue()


@pytest.fixture
def manager(debate, member):
    return member(Role.MANAGER, username="boss")


def open_as(page: Page, live_server, login, username: str, path: str) -> None:
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    login(page, username, PASSWORD)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("body[data-ready=true]")


def throttle_uploads(page: Page, bytes_per_second: int) -> None:
    """Slow the page's uploads as a slow network would, through the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def test_a_manager_uploads_a_zip_watches_its_progress_and_reads_the_report(
    live_server, page, login, debate, manager, artifacts, tmp_path
):
    held = DocumentFactory(debate=debate, title="Held", text=HELD)
    archive = tmp_path / "corpus.zip"
    archive.write_bytes(corpus_zip())
    open_as(page, live_server, login, "boss", "/d/encryption/import/")
    throttle_uploads(page, THROTTLE)

    section = page.get_by_role("region", name="Documents")
    section.get_by_label("Drop files here or choose them").set_input_files(str(archive))
    expect(section.get_by_role("list", name="Chosen files")).to_have_text(
        f"corpus.zip ({round(archive.stat().st_size / 1024)} kB)"
    )
    section.get_by_role("button", name="Import documents").click()

    # The bar moves while the bytes go out, then says the server is importing.
    progress = page.locator("#documents-progress")
    expect(progress).to_be_visible()
    page.wait_for_function(
        "() => { const v = document.getElementById('documents-progress').value; "
        "return v > 0 && v < 100; }"
    )
    expect(page.locator("#documents-phase")).to_contain_text("Uploading…")
    page.wait_for_function("() => document.getElementById('documents-progress').value === 100")
    report = page.get_by_role("region", name="What was imported")
    expect(report).to_be_visible(timeout=20_000)
    expect(page.locator("#documents-phase")).to_have_text("Done.")
    page.screenshot(path=str(artifacts / "import-report.png"), full_page=True)

    expect(report.locator("[data-count]")).to_have_text(["3 imported", "1 skipped", "2 rejected"])
    rows = report.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("articles/blank.txt")
    expect(rows.nth(0)).to_contain_text("rejected")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("the file is empty")
    skipped = report.locator("tbody tr[data-status=skipped]")
    expect(skipped).to_contain_text("articles/held-already.txt")
    expect(skipped.get_by_role("link", name="open")).to_have_attribute(
        "href", f"/documents/{held.pk}/annotate/"
    )
    expect(skipped.locator("td").nth(2)).to_have_text("the debate already holds this text")
    expect(report.locator("tbody tr[data-status=rejected]").nth(1).locator("td")).to_have_text(
        [
            "articles/scan.pdf",
            "rejected",
            "unsupported file type '.pdf'; use .txt, .md, .html, .htm, .jsonl",
        ]
    )
    assert Document.objects.filter(debate=debate).count() == 4
    assert (page.errors, page.dialogs) == ([], [])

    report.get_by_role("link", name="See the debate's documents").click()
    expect(page.get_by_role("link", name="Safety first")).to_be_visible()


# --- Members -------------------------------------------------------------------------------------
ARTICLE = "Tech firms say a backdoor would make services less secure for all of their users.\n"
CLAIM = "a backdoor would make services less secure"


def test_a_manager_adds_an_annotator_by_e_mail_who_then_logs_in_and_annotates(
    live_server, page, browser, login, debate, manager, artifacts
):
    document = DocumentFactory(debate=debate, title="Backdoor article", text=ARTICLE)
    newcomer = UserFactory(username="newcomer", email="newcomer@example.org")
    open_as(page, live_server, login, "boss", "/d/encryption/members/")
    rows = page.locator("#members-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("boss (you)")

    page.get_by_label("Find by").select_option("email")
    page.get_by_label("E-mail address").fill("Newcomer@Example.org")
    page.get_by_label("Role", exact=True).select_option("annotator")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("Added newcomer as annotator.")
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Role of newcomer")).to_have_value("annotator")
    assert Membership.objects.get(debate=debate, user=newcomer).role == Role.ANNOTATOR
    page.screenshot(path=str(artifacts / "members-page.png"), full_page=True)
    assert (page.errors, page.dialogs) == ([], [])

    # The newcomer logs in, finds the debate and the document, starts it and tags a claim.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    annotator = context.new_page()
    login(annotator, "newcomer", PASSWORD)
    annotator.get_by_role("link", name="Encryption").click()
    annotator.get_by_role("link", name="Backdoor article").click()
    annotator.wait_for_selector("body[data-ready=true]")
    annotator.get_by_role("button", name="Start annotating this document").click()
    annotator.locator("#start-confirm").get_by_role("button", name="Start").click()
    annotator.wait_for_selector("body[data-ready=true]")
    start = ARTICLE.index(CLAIM)
    select_text(annotator, "doc-text", ARTICLE, start, start + len(CLAIM))
    annotator.locator("#doc-text").dispatch_event("mouseup")
    form = annotator.locator("#tag-popover")
    form.get_by_label("Contra", exact=False).first.check()
    form.get_by_label("Claim").check()
    form.get_by_role("button", name="Save (Enter)").click()
    expect(annotator.locator("#save-status")).to_have_text("All changes saved")
    context.close()

    span = Span.objects.get(document=document)
    assert (span.annotator, span.start, span.end, span.quote, span.stance, span.role) == (
        newcomer,
        start,
        start + len(CLAIM),
        CLAIM,
        "contra",
        "claim",
    )


def test_a_manager_changes_a_role_and_removes_a_member_after_confirming(
    live_server, page, login, debate, manager, member
):
    member(Role.ANNOTATOR, username="ann")
    member(Role.REVIEWER, username="rev")
    open_as(page, live_server, login, "boss", "/d/encryption/members/")

    page.get_by_label("Role of ann").select_option("researcher")
    expect(page.get_by_role("status")).to_have_text("ann is now researcher.")
    assert Membership.objects.get(debate=debate, user__username="ann").role == Role.RESEARCHER

    # The last manager cannot step down: the API's reason, and the select back as it was.
    page.get_by_label("Role of boss").select_option("reviewer")
    expect(page.get_by_role("alert")).to_have_text(
        "role: boss is the debate's last manager; make another member manager first, so that "
        "someone can still manage it."
    )
    expect(page.get_by_label("Role of boss")).to_have_value("manager")

    # Removing asks first; Cancel keeps the member.
    page.get_by_role("button", name="Remove rev").click()
    dialog = page.get_by_role("dialog", name="Remove a member")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Remove rev from this debate?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Membership.objects.filter(debate=debate, user__username="rev").exists()

    page.get_by_role("button", name="Remove rev").click()
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Removed rev from the debate.")
    expect(page.locator("#members-rows tr")).to_have_count(2)
    assert sorted(debate.memberships.values_list("user__username", "role")) == [
        ("ann", "researcher"),
        ("boss", "manager"),
    ]

    # With ann a manager, boss may leave, and lands on the list of their debates.
    page.get_by_label("Role of ann").select_option("manager")
    expect(page.get_by_role("status")).to_have_text("ann is now manager.")
    page.get_by_role("button", name="Remove boss").click()
    expect(dialog).to_contain_text(
        "Remove yourself (boss) from this debate? You will no longer open it."
    )
    dialog.get_by_role("button", name="Remove", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    assert list(debate.memberships.values_list("user__username", "role")) == [("ann", "manager")]
    assert (page.errors, page.dialogs) == ([], [])


# --- Spans ---------------------------------------------------------------------------------------
BRAT = {
    "new/essay.txt": "Encryption protects everyone. Scanning weakens it.",
    "new/essay.ann": (
        "T1\tclaim 0 29\tEncryption protects everyone.\n"
        "A1\tStance T1 contra\n"
        "T2\tpremise 30 50\tScanning weakens it.\n"
        "A2\tStance T2 contra\n"
        "R1\tsupports Arg1:T2 Arg2:T1\n"
    ),
    "bad/broken.txt": "Hello world",
    "bad/broken.ann": "T1\tclaim 0 5\tHellO\nA1\tStance T1 pro\n",
    "annotation.conf": "[entities]\nclaim\n",
}


def test_a_manager_imports_a_brat_zip_into_an_annotators_layer(
    live_server, page, login, debate, manager, member
):
    ann = member(Role.ANNOTATOR, username="ann")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in BRAT.items():
            archive.writestr(name, data)
    open_as(page, live_server, login, "boss", "/d/encryption/import/")

    section = page.get_by_role("region", name="Spans")
    section.get_by_label("Into the layer").select_option("ann")
    section.get_by_label("Drop the file here or choose it").set_input_files(
        {"name": "brat.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}
    )
    section.get_by_role("button", name="Import spans").click()

    report = section.get_by_role("region", name="What was imported")
    expect(report.locator("[data-count]")).to_have_text(["1 imported", "0 skipped", "1 rejected"])
    essay = Document.objects.get(debate=debate, text=BRAT["new/essay.txt"])
    expect(report.locator("tbody tr td:first-child")).to_have_text(
        ["bad/broken → ann", "new/essay → ann · open", "annotation.conf"]
    )
    expect(report.locator("tbody tr td:last-child")).to_have_text(
        [
            "bad/broken.ann, line 1: T1: the text at 0 5 is 'Hello', not 'HellO' as the line says",
            "2 spans, 1 relation; a new document",
            "not a brat document",
        ]
    )
    expect(report.get_by_role("link", name="open")).to_have_attribute(
        "href", f"/documents/{essay.pk}/annotate/"
    )
    expect(section.locator("#spans-phase")).to_have_text("Done.")
    assert Span.objects.filter(document=essay, annotator=ann).count() == 2
    # JSON Lines offers the as-exported layers; brat does not.
    as_exported = section.locator("#spans-layer option[value=as-exported]")
    expect(as_exported).to_be_disabled()
    section.get_by_label("Format").select_option("spans")
    expect(as_exported).to_be_enabled()
    assert (page.errors, page.dialogs) == ([], [])


def test_a_manager_sets_when_annotators_see_suggestions(live_server, page, login, debate, manager):
    UserFactory(username="zed")
    Membership.objects.create(debate=debate, user=UserFactory(username="ann"), role=Role.ANNOTATOR)
    Membership.objects.create(debate=debate, user=UserFactory(username="bea"), role=Role.ANNOTATOR)
    open_as(page, live_server, login, "boss", "/d/encryption/members/")
    section = page.get_by_role("region", name="Suggestions")
    expect(section.get_by_label("Annotators see suggestions")).to_have_value("off")
    expect(section.get_by_role("checkbox")).to_have_count(2)  # the annotators, not the manager

    section.get_by_label("Annotators see suggestions").select_option("after_first_submission")
    section.get_by_label("bea").check()
    section.get_by_role("button", name="Save").click()

    expect(page.locator("#members-status")).to_have_text(
        "Suggestions saved: After an annotator's first submitted document; shown anyway to bea."
    )
    debate.refresh_from_db()
    assert debate.suggestions == "after_first_submission"
    grants = SuggestionGrant.objects.filter(debate=debate)
    assert list(grants.values_list("annotator__username", flat=True)) == ["bea"]
    # A member added afterwards is offered too.
    page.locator("#add-who").fill("zed")
    page.locator("#add-submit").click()
    expect(section.get_by_role("checkbox")).to_have_count(3)
    expect(section.get_by_label("bea")).to_be_checked()
    assert page.errors == []
