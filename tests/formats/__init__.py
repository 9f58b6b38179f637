"""Tests of captioner/formats/."""
