"""Offsets into a text as a file holds it, mapped to the normalised text Debatemap stores."""

import unicodedata
from itertools import pairwise

from debate.text import normalize_text


class TextOffsets:
    """Map offsets into a text as a file holds it to offsets into its normalised form.

    brat counts code points of the ``.txt`` as it is; Debatemap stores NFC text with ``\\n``
    line ends. Where normalising changed nothing the map is the identity; otherwise the text
    is cut where normalisation cannot join neighbours, and only those cuts map.
    """

    def __init__(self, raw: str):
        self.raw = raw
        self.text = normalize_text(raw)
        self._map: dict[int, int] | None = None
        self.mappable = True
        if self.text != raw:
            self._build()

    def _build(self) -> None:
        raw = self.raw
        cuts = [0]
        if raw.startswith("\ufeff"):
            cuts.append(1)
        for index in range(cuts[-1] + 1, len(raw)):
            before, after = raw[index - 1], raw[index]
            if before == "\r" and after == "\n":
                continue
            if unicodedata.combining(after):
                continue
            pair = unicodedata.normalize("NFC", before + after)
            if pair != unicodedata.normalize("NFC", before) + unicodedata.normalize("NFC", after):
                continue
            cuts.append(index)
        cuts.append(len(raw))
        mapping = {0: 0}
        position = 0
        pieces = []
        for left, right in pairwise(cuts):
            piece = raw[left:right]
            if left == 0 and piece == "\ufeff":
                piece = ""
            piece = unicodedata.normalize("NFC", piece.replace("\r\n", "\n").replace("\r", "\n"))
            pieces.append(piece)
            position += len(piece)
            mapping[right] = position
        self.mappable = "".join(pieces) == self.text
        self._map = mapping

    def normalised(self, offset: int) -> int | None:
        """Return where a raw offset falls in the normalised text, or None if it cannot."""
        if self._map is None:
            return offset
        return self._map.get(offset) if self.mappable else None
