"""Correction: glossary terms restored in the transcript, by spelling and by listening again."""
