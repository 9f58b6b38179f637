"""Tests of captioner/translate/."""
