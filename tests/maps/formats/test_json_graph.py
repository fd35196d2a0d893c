"""The JSON graph export: the stored map with its version id."""

import json

from maps.builder import map_to_dict
from maps.formats import export_json
from tests.maps.formats.sample_maps import VERSION


def test_json_export_is_the_map_with_its_version(seed_map):
    data = json.loads(export_json(seed_map, version_id=VERSION))
    assert data.pop("version_id") == "42"
    assert data == json.loads(json.dumps(map_to_dict(seed_map)))
    assert data["input_hash"] == seed_map.input_hash
    text = export_json(seed_map)
    assert text.startswith('{"actors":[{"actor_id":"1","affiliation":"Citizen Lab",')
    assert text.endswith("}\n")
    assert "\u2018backdoor\u2019" in text
