"""The map as plain data and JSON, and back."""

import json

from maps.builder import map_from_dict, map_to_json


def test_map_round_trips_through_its_json(seed_map):
    text = map_to_json(seed_map)
    loaded = map_from_dict(json.loads(text))
    assert loaded == seed_map
    assert map_to_json(loaded) == text


def test_a_map_stored_before_sources_had_days_loads_with_none(seed_map):
    data = json.loads(map_to_json(seed_map))
    for argument in data["arguments"]:
        for source in argument["sources"]:
            del source["published"]  # as argmap/1 stored its maps

    loaded = map_from_dict(data)

    assert loaded == seed_map
    assert {s.published for a in loaded.arguments for s in a.sources} == {None}
