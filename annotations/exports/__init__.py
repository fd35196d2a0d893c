"""Exports of spans: filtered, read in chunks in one snapshot, streamed in any format.

``selectors`` reads what an export holds; ``lines`` is the JSON Lines body the database
writes itself; ``views`` streams the chosen format (``annotations.formats``).
"""
