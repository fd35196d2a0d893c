"""Export an argument map as JSON graph, AIF JSON, Argdown, GraphML or DOT.

Every exporter takes an ``ArgumentMap`` (see ``maps.builder``) and returns text, one module per
format. Each export carries the map's input hash and, when given, the id of the stored version
it came from (``header``). Exporters are pure and deterministic: the same map gives the same
bytes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from maps.builder import ArgumentMap
from maps.formats.aif import export_aif
from maps.formats.argdown import export_argdown
from maps.formats.dot import export_dot
from maps.formats.graphml import export_graphml
from maps.formats.json_graph import export_json

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "export_aif",
    "export_argdown",
    "export_dot",
    "export_graphml",
    "export_json",
    "export_map",
]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """A map format: its name in ``?format=``, media type, file extension and renderer."""

    name: str
    media_type: str
    extension: str
    render: Callable[..., str]


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "json": ExportFormat("json", "application/json", "json", export_json),
    "aif": ExportFormat("aif", "application/json", "aif.json", export_aif),
    "argdown": ExportFormat("argdown", "text/plain; charset=utf-8", "argdown", export_argdown),
    "graphml": ExportFormat("graphml", "application/graphml+xml", "graphml", export_graphml),
    "dot": ExportFormat("dot", "text/vnd.graphviz", "dot", export_dot),
}


def export_map(
    argument_map: ArgumentMap, format_name: str, *, version_id: object | None = None
) -> str:
    """Return the map in the named format (json, aif, argdown, graphml, dot)."""
    try:
        export = EXPORT_FORMATS[format_name]
    except KeyError:
        raise ValueError(
            f"unknown map format {format_name!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        ) from None
    return export.render(argument_map, version_id=version_id)
