"""Tests of captioner/correct/."""
