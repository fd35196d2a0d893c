"""Content-defined chunks of a map's JSON: joined they are the text, and an edit moves few."""

import json
import random

import pytest

from maps.chunks import (
    LOOKAHEAD,
    MAXIMUM,
    MINIMUM,
    chunk_digest,
    chunk_ends,
    chunked,
    chunks_of,
    split_chunks,
)


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
    assert list(chunked(text).chunks) == ([text] if text else [])
    assert list(chunks_of([text])) == ([(chunk_digest(text), text)] if text else [])


def _edited(items: list[dict], edit: str, rng: random.Random) -> list[dict]:
    edited, at = list(items), rng.randrange(len(items))
    if edit == "insert":
        edited.insert(at, {"id": "claim-new", "quote": "x" * rng.randrange(1, 3000), "start": 1})
    elif edit == "delete":
        del edited[at]
    elif edit == "change":
        edited[at] = {**edited[at], "quote": "changed"}
    elif edit == "shorter":
        edited = edited[: len(edited) - rng.randrange(1, 2000)]
    elif edit == "longer":
        edited.extend(_array(rng.randrange(1, 3000), seed=at))
    elif edit == "both ends":  # as a rebuild changes an actor at the start, a hash at the end
        edited[0] = {**edited[0], "start": edited[0]["start"] + 1}
        edited[at] = {**edited[at], "quote": "changed"}
        edited[-1] = {**edited[-1], "quote": "changed too"}
    else:  # "new start"
        edited = _array(rng.randrange(1, 300), seed=at) + edited
    return edited


@pytest.mark.parametrize(
    "edit", ["insert", "delete", "change", "shorter", "longer", "both ends", "new start"]
)
def test_cutting_after_an_earlier_text_gives_the_chunks_of_a_fresh_cut(edit):
    rng = random.Random(edit)
    items = _array(30_000, seed=2)
    previous = chunked(_text(items))
    assert list(previous.ends) == chunk_ends(_text(items))
    for _ in range(6):
        edited = _edited(items, edit, rng)
        text = _text(edited)

        cut = chunked(text, previous)

        assert list(cut.chunks) == split_chunks(text)
        assert list(cut.ends) == chunk_ends(text)
        assert list(cut.digests) == [chunk_digest(chunk) for chunk in split_chunks(text)]
        items, previous = edited, cut


def test_cutting_the_same_text_again_takes_every_chunk_of_the_last_cut():
    text = _text(_array(20_000))
    previous = chunked(text)

    again = chunked(bytes(bytearray(text)), previous)

    assert len(again.chunks) == len(previous.chunks) > 20
    assert all(new is old for new, old in zip(again.chunks, previous.chunks, strict=True))
    assert again.digests == previous.digests


def test_edits_reuse_the_chunk_objects_far_from_them():
    items = _array(30_000, seed=4)
    previous = chunked(_text(items))
    items.insert(15_000, {"id": "claim-new", "quote": "one more source", "start": 1})
    items[-1] = {**items[-1], "quote": "changed"}

    cut = chunked(_text(items), previous)

    old = {id(chunk) for chunk in previous.chunks}
    made = [chunk for chunk in cut.chunks if id(chunk) not in old]
    assert len(cut.chunks) > 40
    # Cut and named again: the chunks with the edits and those within a chunk's reach before
    # them (MAXIMUM / MINIMUM chunks at most, each).
    assert 2 <= len(made) <= 2 * (MAXIMUM // MINIMUM + 2)
    assert b"".join(cut.chunks) == _text(items)


def _pieces(text: bytes, rng: random.Random, sizes: list[int]) -> list[bytes]:
    pieces, at = [], 0
    while at < len(text):
        size = rng.choice(sizes)
        pieces.append(text[at : at + size])
        at += size
    return pieces


TEXTS = {
    # Elements of every length: cuts by content, about 3 and 9 MB (many rounds of cutting).
    "elements": lambda: _text(_array(30_000, seed=5)),
    "many elements": lambda: _text(_array(90_000, seed=6)),
    # Elements far apart: chunks cut at the last element that keeps them short enough.
    "few elements": lambda: b",{".join([b"y" * 600_000] * 9),
    # No element at all for megabytes: blind cuts at a character boundary.
    "no elements": lambda: ("\u00e4" * 1_500_000 + ",{" + "b" * 1_500_000).encode(),
}


@pytest.mark.parametrize("kind", list(TEXTS))
@pytest.mark.parametrize("ahead", [2 * LOOKAHEAD, 2 * LOOKAHEAD + 12_345, 16 * LOOKAHEAD])
def test_the_chunks_of_a_text_in_pieces_are_the_chunks_of_the_whole(kind, ahead):
    text = TEXTS[kind]()
    whole = chunked(text)
    expected = list(zip(whole.digests, whole.chunks, strict=True))
    assert len(expected) > 5

    for seed, sizes in enumerate(([1, 7, 1_000], [100_000, 2_000_000], [len(text)])):
        pieces = _pieces(text, random.Random(seed), sizes)

        assert list(chunks_of(pieces, ahead=ahead)) == expected


def test_the_chunks_of_pieces_come_before_the_last_piece():
    text = TEXTS["many elements"]()
    pieces = _pieces(text, random.Random(1), [50_000])
    given = 0

    def counted():
        nonlocal given
        for piece in pieces:
            given += 1
            yield piece

    chunks = chunks_of(counted(), ahead=2 * LOOKAHEAD)
    next(chunks)

    # The first chunk came once enough text followed it, long before the end.
    assert given == -(-2 * LOOKAHEAD // 50_000)
    assert b"".join([next(chunks)[1] for _ in range(3)])


def test_cutting_pieces_too_few_bytes_ahead_is_refused():
    with pytest.raises(ValueError, match="ahead must be at least"):
        list(chunks_of([b"{}"], ahead=2 * LOOKAHEAD - 1))
