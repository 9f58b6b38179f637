"""Media: decoding recordings to 16 kHz audio, channels, and where speech is."""
