"""Optional: a language model phrasing answers from the quotes, and the checks on its text."""
