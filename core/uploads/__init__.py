"""Checks of uploaded files shared by every import: size limits and safe zip archives."""
