"""The API's request parser: JSON read by orjson.

A module of its own: DRF imports it while it loads its settings, before the views exist.
"""

import orjson
from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, reading with orjson: every malformed body is a 400 that names it.

    Where the standard library accepts text no database stores (a lone surrogate such as
    ``\\ud800``, NaN) or recurses until Python gives up (thousands of nested brackets),
    orjson refuses it with a message (tests/security/test_json_input.py).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = stream.read()
            if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
                data = data.decode(encoding)
            return orjson.loads(data)
        except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
