"""Tests of captioner/agenda/."""
