"""The model's records: frozen dataclasses with slots whose ``__init__`` sets the slots directly."""

import copy
import dataclasses

import pytest

from maps.builder.model import ArgumentMap, MapEdge, SourceSpan, record


@dataclasses.dataclass(frozen=True, slots=True)
class _Plain:
    id: str
    count: int
    documents: tuple[str, ...] = ()


@record
class _Record:
    id: str
    count: int
    documents: tuple[str, ...] = ()


def test_a_record_is_the_frozen_dataclass_it_replaces():
    made = _Record("a", 2, ("1", "2"))
    plain = _Plain("a", 2, ("1", "2"))
    assert dataclasses.is_dataclass(made) and _Record.__slots__ == _Plain.__slots__
    # Its own __init__: the slots set directly, not through object.__setattr__.
    assert _Record.__init__.__code__.co_names == ("_set_id", "_set_count", "_set_documents")
    assert dataclasses.astuple(made) == dataclasses.astuple(plain) == ("a", 2, ("1", "2"))
    assert hash(made) == hash(plain)
    assert repr(made) == "_Record(id='a', count=2, documents=('1', '2'))"
    assert made == _Record(id="a", count=2, documents=("1", "2"))
    assert made != _Record("a", 3, ("1", "2"))
    assert _Record("b", 1) == _Record(id="b", count=1, documents=())
    assert _Record("b", 1).documents == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.count = 3
    assert dataclasses.replace(made, count=5) == _Record("a", 5, ("1", "2"))
    assert copy.copy(made) == made
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'count'"):
        _Record("a")
    with pytest.raises(TypeError, match="unexpected keyword argument 'other'"):
        _Record("a", 1, other=2)


def test_record_refuses_what_its_init_would_skip():
    with pytest.raises(TypeError, match="record\\(\\) takes plain fields"):

        @record
        class _Factory:
            items: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="record\\(\\) does not call __post_init__"):

        @record
        class _Checked:
            value: int

            def __post_init__(self) -> None:
                raise ValueError


def test_the_models_records_keep_their_defaults():
    edge = MapEdge(
        id="e", kind="voiced", source="a", target="b", origin="speaker", count=1, documents=("7",)
    )
    assert edge.relations == ()
    source = SourceSpan("1", "7", "Doc", 0, 4, "text", "pro", "claim", None)
    assert source.published is None and source.span_id == "1"
    assert ArgumentMap.__init__.__defaults__ == ((),)
