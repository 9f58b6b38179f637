"""Recognition: the Whisper model, hotword selection, and words with times from speech."""
