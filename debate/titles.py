"""Pick a document's title from its text: the headline, not the masthead, byline or lede.

An article saved as text often starts with the outlet's name, a section, a byline and a
date before its headline, and some start straight with the lede. ``headline`` skips that
furniture and takes the first short line near the top that reads like a headline; failing
that, the first sentence, cut at a word boundary. ``page_title`` takes the outlet's name off
a web page's title ("Scanning row | Shropshire Star"). Plain functions of strings: no Django.
"""

import re

# Outlets whose name, alone on a line, is a masthead and not a headline. Lowercase, compared
# after ``_bare`` (so "The Guardian", "THE GUARDIAN" and "Guardian" all match "guardian").
KNOWN_OUTLETS = frozenset(
    {
        "al jazeera",
        "associated press",
        "ap",
        "ap news",
        "bbc",
        "bbc news",
        "bloomberg",
        "city am",
        "cnn",
        "computer weekly",
        "daily mail",
        "daily express",
        "daily mirror",
        "daily telegraph",
        "economist",
        "evening standard",
        "express",
        "financial times",
        "ft",
        "guardian",
        "i",
        "independent",
        "inews",
        "itv news",
        "metro",
        "mirror",
        "new statesman",
        "new york times",
        "observer",
        "politico",
        "reuters",
        "register",
        "scotsman",
        "shropshire star",
        "sky news",
        "spectator",
        "sun",
        "sunday times",
        "techcrunch",
        "telegraph",
        "times",
        "verge",
        "washington post",
        "wired",
        "yorkshire post",
    }
)
MAX_HEADLINE_WORDS = 15
MIN_HEADLINE_WORDS = 3
# How far down a headline is looked for, in non-empty lines.
HEADLINE_WINDOW = 8
MAX_SENTENCE_TITLE = 120

_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
_WEEKDAYS = "mon|tue|tues|wed|thu|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
_WEEKDAYS += "saturday|sunday"
# One word of a date line: a month, a weekday, a day or year, a time, a zone, or a joiner.
_DATE_WORD = re.compile(
    rf"(?:{_MONTHS}|{_WEEKDAYS}|\d{{1,4}}(?:st|nd|rd|th)?|\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}"
    r"|\d{1,2}[:.]\d{2}(?:am|pm)?|am|pm|bst|gmt|utc|cet|cest|est|edt|pst|pdt|et|pt|on|at|"
    r"updated|published|posted|and)",
)
_STAMP = re.compile(
    r"(?:first |last )?(?:published|updated|posted|modified)\b|"
    r"(?:image|photo|picture|video) ?(?:caption|credit|source)?:|"
    r"(?:advertisement|share this|share on|listen to this|sign up|subscribe|read more|"
    r"follow us|comments?)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"by\s+\S", re.IGNORECASE)
_BYLINE_ROLE = re.compile(
    r"\b(?:reporter|correspondent|editor|journalist|staff writer|contributor|columnist)\b",
    re.IGNORECASE,
)
# Where a sentence ends: . ! ? (and any closing quote or bracket), then a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s")
# Words a full stop follows without ending the sentence ("Mr. Smith", "the U.S. plan").
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "sen", "rep", "gov", "gen", "jr", "sr", "no", "vs"}
    | {"etc", "e.g", "i.e", "u.s", "u.k", "inc", "ltd", "co", "corp"}
)
_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014-]\s+|\s*\|\s*")


def _bare(line: str) -> str:
    """Return a line lowercased with punctuation and a leading "the" gone, for comparing."""
    words = re.sub(r"[^\w\s]", " ", line.casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _is_outlet(line: str, source: str) -> bool:
    bare = _bare(line)
    return bool(bare) and (bare in KNOWN_OUTLETS or bare == _bare(source))


def _is_date(words: list[str]) -> bool:
    """Return whether a line is a date or time, perhaps after "Published" or "Updated"."""
    undated = 0
    digits = False
    for word in words:
        if _DATE_WORD.fullmatch(word.strip(",.|·()-\u2013\u2014").lower()):
            digits = digits or any(c.isdigit() for c in word)
        else:
            undated += 1
            if undated > 1:  # a long line of prose stops here, not at its last word
                return False
    return digits


def _is_furniture(line: str, source: str) -> bool:
    """Return whether a line is a masthead, section, byline, date or page furniture."""
    words = line.split()
    if _is_outlet(line, source) or _STAMP.match(line) or _is_date(words):
        return True
    if len(words) <= 12 and _BYLINE.match(line):
        return True
    # "Jane Smith, Home Affairs Editor"; not "Editor quits over scanning row".
    if len(words) <= 8 and ("," in line or len(words) <= 4) and _BYLINE_ROLE.search(line):
        return True
    # A short line of capitalised words alone: a section or an outlet's name ("UK Politics").
    return len(words) < MIN_HEADLINE_WORDS or (
        len(words) == MIN_HEADLINE_WORDS and all(w[:1].isupper() for w in words)
    )


def _reads_as_headline(line: str) -> bool:
    words = line.split()
    return (
        MIN_HEADLINE_WORDS <= len(words) <= MAX_HEADLINE_WORDS
        and not line.endswith((".", ":", ";", ","))
        and not line.endswith("...")
    )


def _sentence_end(line: str) -> int:
    """Return where the first sentence of a line ends (after its stop), or the line's length."""
    for end in _SENTENCE_END.finditer(line):
        before = line[: end.start()].split()[-1].rstrip(".!?\"'\u201d\u2019)]").casefold()
        if before not in _ABBREVIATIONS and not (len(before) == 1 and before.isalpha()):
            return end.start()
    return len(line)


def _first_sentence(line: str, limit: int = MAX_SENTENCE_TITLE) -> str:
    """Return the first sentence of a line, cut at a word boundary to ``limit`` with "…"."""
    sentence = line[: _sentence_end(line)].rstrip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if not sentence[limit - 1].isspace() and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-\u2013\u2014") + "…"


def headline(text: str, *, source: str = "") -> str:
    """Return a title for an article's text: its headline, or its first sentence shortened.

    Lines that are the outlet's name (``source`` or a known outlet), a section, a byline, a
    date or "Published ..." are passed over. The first other line is the headline if it is
    near the top and has 3 to 15 words and no final period (a headline comes before the
    body, so no line after it is tried). Otherwise the title is its first sentence, at most
    120 characters, cut at a word boundary with an ellipsis.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return "Untitled"
    # Only the first line that is not furniture counts: the lines after it are never judged.
    content = next(
        ((number, line) for number, line in enumerate(lines) if not _is_furniture(line, source)),
        None,
    )
    if content is not None:
        number, first = content
        if number < HEADLINE_WINDOW and _reads_as_headline(first):
            return first
        return _first_sentence(first)
    # Nothing but short lines: the first that is not the outlet's name, as it is.
    rest = [line for line in lines if not _is_outlet(line, source)] or lines
    return _first_sentence(rest[0])


def page_title(title: str, *, source: str = "") -> str:
    """Return a web page's title without the outlet's name around it ("" if only that).

    "Scanning row | Shropshire Star" and "BBC News - Scanning row" give "Scanning row"; a
    part is dropped only when it is ``source`` or a known outlet.
    """
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(title) if part.strip()]
    kept = [part for part in parts if not _is_outlet(part, source)]
    if len(kept) == len(parts):
        return title.strip()
    return " - ".join(kept)
