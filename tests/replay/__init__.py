"""Tests of captioner/replay/."""
