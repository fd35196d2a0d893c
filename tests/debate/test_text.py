import hashlib
import unicodedata

import pytest

from debate.text import normalize_text, text_sha256

NBSP = "\u00a0"
NB_HYPHEN = "\u2011"
CURLY = "\u201cscanning\u201d and \u2018backdoors\u2019"
EMOJI = "\U0001f510\U0001f4c8\U0001f468\u200d\U0001f469\u200d\U0001f467"  # lock, chart, family ZWJ


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("one\r\ntwo\r\n", "one\ntwo\n"),
        ("one\rtwo\r", "one\ntwo\n"),
        ("a\r\n\r\nb\rc\nd", "a\n\nb\nc\nd"),
        ("\r\r\n", "\n\n"),
    ],
)
def test_line_ends_become_newlines(raw, expected):
    assert normalize_text(raw) == expected


def test_leading_byte_order_mark_is_dropped():
    assert normalize_text("\ufeffHeadline\r\nBody") == "Headline\nBody"


def test_combining_accent_is_composed_into_one_code_point():
    raw = "caf" + "e\u0301" + " cr" + "e\u0300" + "me"
    text = normalize_text(raw)
    assert text == "caf\u00e9 cr\u00e8me"
    assert len(raw) == 12
    assert len(text) == 10
    assert text.index("cr") == 5  # offsets after the accent count it as one code point


def test_precomposed_and_decomposed_forms_store_the_same_text_and_hash():
    precomposed = normalize_text("Citizen Lab: \u00e9")
    decomposed = normalize_text("Citizen Lab: e\u0301")
    assert precomposed == decomposed
    assert text_sha256(precomposed) == text_sha256(decomposed)


def test_typographic_content_is_left_exactly_as_it_was():
    raw = f"6{NBSP}000 offences {CURLY}: client{NB_HYPHEN}side {EMOJI} \u2026 \u2014 end"
    text = normalize_text(raw)
    assert text == raw
    assert [ord(c) for c in text] == [ord(c) for c in raw]
    # The characters a compatibility normalisation (NFKC) would have replaced are all still there.
    assert unicodedata.normalize("NFKC", raw) != raw
    assert text.count(NBSP) == 1
    assert text.count(NB_HYPHEN) == 1
    assert "\u201c" in text and "\u2019" in text
    assert EMOJI in text


def test_emoji_count_as_one_code_point_each():
    text = normalize_text("A \U0001f510 B")
    assert len(text) == 5
    assert text[2] == "\U0001f510"


def test_byte_order_mark_inside_the_text_is_content():
    assert normalize_text("a\ufeffb") == "a\ufeffb"


def test_normalising_twice_changes_nothing():
    raw = "\ufeffe\u0301\r\nx\r" + CURLY + NBSP + EMOJI
    once = normalize_text(raw)
    assert normalize_text(once) == once


def test_sha256_is_the_hex_digest_of_the_normalised_utf8_text():
    text = normalize_text("\ufeffcaf" + "e\u0301\r\n" + CURLY + NBSP + EMOJI)
    assert text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert len(text_sha256(text)) == 64
    assert text_sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text_sha256("\u00e9") == hashlib.sha256(b"\xc3\xa9").hexdigest()
