"""Text normalisation shared by every way a document enters the system.

Offsets are Unicode code points into the stored text, so the text must be fixed once, on
entry: NFC composition (a precomposed "é" and "e" + U+0301 become the same single code point)
and ``\\n`` line ends. Nothing else is changed: curly quotes, non-breaking spaces and emoji are
content and stay exactly as they were.
"""

import hashlib
import unicodedata


def normalize_text(text: str) -> str:
    """Return text in NFC with ``\\n`` line ends and no leading byte-order mark."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_sha256(text: str) -> str:
    """Return the hex SHA-256 of text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
