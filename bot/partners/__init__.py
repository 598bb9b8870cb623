"""Answers from the partnership registry: lists, counts, yes/no and periods, line by line."""
