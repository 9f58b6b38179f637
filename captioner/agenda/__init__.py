"""Agenda: reading the agenda and aligning its items to the transcript as chapters."""
