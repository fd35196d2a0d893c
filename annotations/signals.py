"""Signals annotations sends to the apps above it, which it must not import.

Sent inside the writing transaction: a receiver's writes commit or roll back with it.
"""

from django.dispatch import Signal

# A document's gold layer became final (its review finished). Arguments: document, by.
document_adjudicated = Signal()
