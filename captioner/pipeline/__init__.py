"""Pipeline: one recording from media to published files (stages, cache, lock, report, batch)."""
