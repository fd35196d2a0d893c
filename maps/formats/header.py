"""What every export carries: the builder, the input hash and, when given, the version id.

So a file found on a disk later can be traced to the build and version it came from.
"""

from maps.builder import ArgumentMap


def export_header(argument_map: ArgumentMap, version_id: object | None) -> dict[str, str]:
    """Return the builder, the input hash and the version id (when given) of an export."""
    header = {"builder": argument_map.builder, "input_hash": argument_map.input_hash}
    if version_id is not None:
        header["version_id"] = str(version_id)
    return header
