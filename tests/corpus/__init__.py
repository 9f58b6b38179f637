"""The synthetic webinar corpus: its generator and the figures measured on it."""
