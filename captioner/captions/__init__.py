"""Captions: words to cues under the reading rules, line breaking, labels, and quality checks."""
