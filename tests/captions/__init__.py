"""Tests of captioner/captions/."""
