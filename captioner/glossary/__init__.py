"""Glossary: the terminology model, its text helpers, checks and exchange formats."""
