"""Tests of captioner/pipeline/."""
