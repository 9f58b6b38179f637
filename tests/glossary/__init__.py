"""Tests of captioner/glossary/."""
