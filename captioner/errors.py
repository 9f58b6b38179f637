"""Errors a user can act on: the CLI prints their message on one line and exits 1."""


class CaptionerError(Exception):
    """A processing error with a message that says what is wrong and what to do."""


class MediaError(CaptionerError):
    """The input file is missing, unreadable, or has no audio."""


class ModelError(CaptionerError):
    """A speech or translation model cannot be found or loaded."""


class InputFileError(CaptionerError):
    """An agenda, glossary or caption file is malformed."""
