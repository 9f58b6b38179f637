"""Recognition: the Whisper model, hotword selection, and words with times from speech."""

# How the glossary biases recognition: its likely terms as hotwords (the default), as an initial
# prompt, or not at all. Here, with no imports, so that `captioner --help` can list them.
BIAS_MODES = ("hotwords", "prompt", "none")
