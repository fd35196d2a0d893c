"""``page_json_script``: Django's ``json_script``, with the JSON written by orjson.

A page hands its data to its scripts in one JSON ``<script>`` (the house style); the annotate
page of a long document carries megabytes of it, which orjson writes several times faster
than ``json.dumps`` (docs/BENCHMARKS.md). The escaping is ``json_script``'s: ``<``,
``>`` and ``&`` become ``\\u003C``, ``\\u003E`` and ``\\u0026``, so no text in the data can close
the element or open a comment; everything else is JSON, read by ``JSON.parse``.
"""

import orjson
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ESCAPES = ((b"<", b"\\u003C"), (b">", b"\\u003E"), (b"&", b"\\u0026"))
# Dates, times, decimals, UUIDs and lazy strings as json_script writes them.
_django_default = DjangoJSONEncoder().default


def page_json(value) -> SafeString:
    """Return ``value`` as JSON text that is safe inside a ``<script>`` element."""
    data = orjson.dumps(
        value,
        default=_django_default,
        option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS,
    )
    for raw, escaped in _ESCAPES:
        data = data.replace(raw, escaped)
    return mark_safe(data.decode())  # noqa: S308 - escaped above, as json_script does


@register.filter(is_safe=True)
def page_json_script(value, element_id: str) -> SafeString:
    """Return ``value`` in a ``<script type="application/json">`` with this id."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, page_json(value)
    )
