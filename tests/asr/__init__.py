"""Tests of captioner/asr/."""
