"""The map as plain data and JSON, and back."""

import json

from maps.builder import map_from_dict, map_to_json


def test_map_round_trips_through_its_json(seed_map):
    text = map_to_json(seed_map)
    loaded = map_from_dict(json.loads(text))
    assert loaded == seed_map
    assert map_to_json(loaded) == text
