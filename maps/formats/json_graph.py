"""The JSON graph: the map as stored (``map_to_dict``), with the version id when given."""

import json

from core.memory import collector_paused
from maps.builder import ArgumentMap, map_to_dict


def compact_json(data: object) -> str:
    """Return data as compact JSON with sorted keys and a final new line."""
    # Compact, because indenting switches json to its pure-Python encoder, many times slower
    # on a large map, for a file that tools, not people, read.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def export_json(argument_map: ArgumentMap, *, version_id: object | None = None) -> str:
    """Return the map as JSON with sorted keys, with the version id when given."""
    with collector_paused():
        data = map_to_dict(argument_map)
        if version_id is not None:
            data["version_id"] = str(version_id)
        return compact_json(data)
