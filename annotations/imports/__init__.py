"""Imports of spans: brat zips and folders, and Debatemap's own JSON Lines, into one layer.

``services`` checks each document's draft against the debate and writes it through the
annotation services; ``reports`` says what happened to each; ``views`` takes uploads.
"""
