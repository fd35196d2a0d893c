"""text_blocks: the annotate page shows its text in blocks of whole lines before its script runs."""

import html
import re

import pytest
from django.urls import reverse

from debate.models import Role
from frontend.templatetags.text_blocks import text_blocks
from tests.factories import DocumentFactory


def test_cuts_after_the_first_line_break_at_or_past_each_size():
    assert text_blocks("one\ntwo three\nfour\n\nfive", 4) == [
        "one\n",
        "two three\n",
        "four\n",
        "\nfive",
    ]
    assert text_blocks("no line break at all", 5) == ["no line break at all"]
    assert text_blocks("", 5) == []
    assert text_blocks("ends with one\n", 5) == ["ends with one\n"]


def test_counts_characters_not_bytes_or_utf16_units():
    # Four emoji are four characters: the break after them is past size 4 - 1.
    assert text_blocks("🔐🔐🔐🔐\nrest", 4) == ["🔐🔐🔐🔐\n", "rest"]


@pytest.mark.django_db
def test_the_annotate_page_shows_its_text_in_escaped_blocks(client, debate, member):
    line = "Kate Robertson <b>said</b> “a backdoor” & more 🔐\n"
    document = DocumentFactory(debate=debate, text=line * 100)  # 100 lines of 49 characters
    client.force_login(member(Role.ANNOTATOR))

    page = client.get(reverse("annotate", args=[document.id])).content.decode()

    inside = re.search(r'<div id="doc-text"[^>]*>(.*?)</div>\s*<p id="doc-help"', page, re.S)[1]
    blocks = re.findall(r'<div class="text-block">(.*?)</div>', inside, re.S)
    assert "".join(f'<div class="text-block">{block}</div>' for block in blocks) == inside
    assert [html.unescape(block) for block in blocks] == text_blocks(document.text)
    # 31 lines reach the 1,500th character (31 x 49 = 1,519): 31 + 31 + 31 + 7 lines.
    assert len(blocks) == 4
    assert "<b>" not in inside
