"""Turning a question into one parsed object: its text, kind, parties, period and context."""
