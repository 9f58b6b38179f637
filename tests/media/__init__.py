"""Tests of captioner/media/."""
