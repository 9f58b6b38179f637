"""captioner: accessible transcripts and multilingual captions for recorded webinars."""

__version__ = "0.1.0"
