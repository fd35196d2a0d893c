"""Titles picked from article texts: the headline past mastheads, bylines and dates, or the
first sentence shortened. Every text here was written for these tests."""

import pytest

from debate.titles import MAX_SENTENCE_TITLE, headline, page_title

MASTHEAD_ARTICLE = """Shropshire Star

Tech firms warn over plans to scan private messages

By Jane Example, Technology Reporter
Published: Wednesday 12 July 2023 10:32 BST

Messaging companies said on Tuesday that scanning would weaken encryption for everyone.
"""

SECTION_AND_DATE = """NEWS
UK Politics
12/07/2023
Updated 14:05
Ministers defend scanning powers as charities call for more
The Home Office said the powers were needed.
"""

LEDE_ONLY = (
    "The government said on Tuesday that messaging firms must look for abuse images in "
    "private chats, in a move that critics called a threat to the privacy of millions of "
    "people who rely on encrypted apps every day. A second sentence follows."
)


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        (MASTHEAD_ARTICLE, "", "Tech firms warn over plans to scan private messages"),
        (SECTION_AND_DATE, "", "Ministers defend scanning powers as charities call for more"),
        # The outlet given as the source, though no list knows it.
        (
            "Hargreaves Weekly\nWhy scanning fails everyone\nBody text.",
            "Hargreaves Weekly",
            "Why scanning fails everyone",
        ),
        # The outlet in capitals, with "The", as a masthead prints it.
        (
            "THE GUARDIAN\nEncryption: what the bill means for your messages\nBody.",
            "",
            "Encryption: what the bill means for your messages",
        ),
        # A byline's role is no headline; a headline with the word "editor" in it is.
        (
            "Jane Example, Home Affairs Editor\nEditor quits over scanning row\nBody.",
            "",
            "Editor quits over scanning row",
        ),
        ("Row over scanning\n\nGovender said it is a false choice.", "", "Row over scanning"),
        # A headline ending in a question mark is still a headline.
        ("Is scanning ever safe?\n\nExperts disagree.", "", "Is scanning ever safe?"),
        # Nothing like a headline: the first sentence, whole when it is short.
        ("No heading here.\nSecond line.\n", "", "No heading here."),
        (
            "Mr. Example said the U.S. plan was flawed. Then more.",
            "",
            "Mr. Example said the U.S. plan was flawed.",
        ),
        ("First.", "", "First."),
        ("   \n\n", "", "Untitled"),
    ],
)
def test_headline(text, source, expected):
    assert headline(text, source=source) == expected


def test_a_lede_is_cut_at_a_word_boundary_with_an_ellipsis():
    title = headline("Shropshire Star\n\n" + LEDE_ONLY)

    assert title == (
        "The government said on Tuesday that messaging firms must look for abuse images in "
        "private chats, in a move that critics…"
    )
    assert len(title) <= MAX_SENTENCE_TITLE
    assert LEDE_ONLY.startswith(title[:-1])
    assert LEDE_ONLY[len(title) - 1] == " "  # the cut falls between words


def test_a_long_line_after_the_masthead_is_a_lede_and_no_later_line_is_tried():
    text = "Shropshire Star\n" + LEDE_ONLY + "\nA short subheading further down\n"

    assert headline(text).endswith("…")


def test_a_line_far_below_the_top_is_read_as_body_not_as_a_headline():
    line = "Scanning row. Ministers respond"
    furniture = "\n".join(["Share this", "Advertisement", "12 July 2023"] * 3)

    assert headline(f"Advertisement\n{line}\nBody.") == line
    assert headline(f"{furniture}\n{line}\nBody.") == "Scanning row."


def test_a_text_of_only_short_lines_keeps_the_first_that_is_not_the_outlet():
    assert headline("Shropshire Star\nScanning\nRow") == "Scanning"


@pytest.mark.parametrize(
    ("title", "source", "expected"),
    [
        ("Scanning row | Shropshire Star", "", "Scanning row"),
        ("BBC News - Scanning row", "", "Scanning row"),
        ("Scanning row \u2013 Hargreaves Weekly", "Hargreaves Weekly", "Scanning row"),
        ("Shropshire Star", "", ""),
        ("Encryption - a primer", "", "Encryption - a primer"),
        ("Scanning row", "", "Scanning row"),
    ],
)
def test_page_title_loses_the_outlets_name(title, source, expected):
    assert page_title(title, source=source) == expected
