from debate.models import Role
from tests.factories import PASSWORD


def test_member_logs_in_and_sees_the_debate(live_server, page, login, member, debate, artifacts):
    member(Role.ANNOTATOR, username="ann")

    login(page, "ann", PASSWORD)

    assert page.url == f"{live_server.url}/"
    page.get_by_role("link", name="Encryption").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Encryption"
    assert page.locator(".proposition").inner_text().startswith("Proposition")
    page.screenshot(path=str(artifacts / "debate-home.png"), full_page=True)
    assert page.dialogs == []


def test_wrong_password_shows_an_error_and_stays_on_login(live_server, page, login, member):
    member(Role.ANNOTATOR, username="ann")

    login(page, "ann", "wrong")

    assert page.url.startswith(f"{live_server.url}/login/")
    assert "correct username and password" in page.get_by_role("alert").inner_text()
