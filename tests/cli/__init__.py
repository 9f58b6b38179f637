"""Tests of captioner/cli/."""
