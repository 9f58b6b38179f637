"""Accessible HTML replay pages: one per recording, and a series page listing them."""
from captioner.replay.page import build_replay
from captioner.replay.series import build_series_index

__all__ = ["build_replay", "build_series_index"]
