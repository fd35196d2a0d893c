"""Content-defined chunks of a map's JSON: joined they are the text, and an edit moves few."""

import json
import random

import pytest

from maps.chunks import MAXIMUM, MINIMUM, chunk_digest, chunk_ends, split_chunks


def _array(count: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "id": f"claim-{rng.getrandbits(64):016x}",
            "quote": " ".join(
                rng.choice(["Überwachung", "chats", "🔒", "keys", "scan"]) for _ in range(12)
            ),
            "start": rng.randrange(10_000),
        }
        for _ in range(count)
    ]


def _text(items: list[dict]) -> bytes:
    return json.dumps({"arguments": items}, ensure_ascii=False, separators=(",", ":")).encode()


def test_the_chunks_joined_are_the_text_and_each_is_utf8_within_the_bounds():
    text = _text(_array(20_000))
    chunks = split_chunks(text)

    assert b"".join(chunks) == text
    assert len(chunks) > 20
    assert all(MINIMUM <= len(c) <= MAXIMUM for c in chunks[:-1])
    assert [chunk.decode("utf-8") for chunk in chunks]  # raises on a cut character
    # Every cut but the end falls where an element of the array starts.
    ends = chunk_ends(text)
    assert ends[-1] == len(text)
    assert all(text[end - 1 : end + 1] == b",{" for end in ends[:-1])


def test_an_element_added_in_the_middle_changes_the_chunks_around_it_only():
    items = _array(20_000)
    before = [chunk_digest(c) for c in split_chunks(_text(items))]
    items.insert(10_000, {"id": "claim-new", "quote": "a new source", "start": 1})
    after = [chunk_digest(c) for c in split_chunks(_text(items))]

    assert len(set(after) - set(before)) <= 2
    assert len(set(before) - set(after)) <= 2


def test_a_long_text_without_elements_is_cut_at_character_boundaries():
    text = ("ü" * (3 * MAXIMUM)).encode()  # two bytes a character, no ",{" anywhere
    chunks = split_chunks(text)

    assert b"".join(chunks) == text
    assert [len(c) for c in chunks[:-1]] == [MAXIMUM] * (len(chunks) - 1)
    assert all(c.decode("utf-8") for c in chunks)


@pytest.mark.parametrize("text", [b"", b"{}", b'{"a":[{"b":1},{"c":2}]}'])
def test_a_small_text_is_one_chunk(text):
    assert split_chunks(text) == ([text] if text else [])
