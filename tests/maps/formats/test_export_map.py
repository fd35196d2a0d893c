"""Every format through the registry: the version id and input hash, media types, names."""

import pytest

from maps.formats import EXPORT_FORMATS, export_map
from tests.maps.formats.sample_maps import VERSION


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
def test_every_export_carries_the_version_id_and_input_hash(seed_map, name):
    text = export_map(seed_map, name, version_id=VERSION)
    assert seed_map.input_hash in text
    assert "42" in text
    unversioned = export_map(seed_map, name)
    assert seed_map.input_hash in unversioned
    assert "version_id" not in unversioned
    assert export_map(seed_map, name, version_id=VERSION) == text


def test_unknown_format_is_refused(seed_map):
    with pytest.raises(ValueError, match="unknown map format 'svg'; choose one of json, aif"):
        export_map(seed_map, "svg")


def test_registry_names_media_types_and_extensions():
    assert {name: (f.media_type, f.extension) for name, f in EXPORT_FORMATS.items()} == {
        "json": ("application/json", "json"),
        "aif": ("application/json", "aif.json"),
        "argdown": ("text/plain; charset=utf-8", "argdown"),
        "graphml": ("application/graphml+xml", "graphml"),
        "dot": ("text/vnd.graphviz", "dot"),
    }
