"""Tests of captioner/speakers/."""
