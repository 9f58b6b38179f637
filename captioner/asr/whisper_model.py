"""faster-whisper's model with a fallback that is repeatable and keeps the glossary safe.

faster-whisper decodes a 30-second window again, by random sampling at rising
temperatures, when the result looks wrong (too repetitive, or too unlikely).
With glossary hotwords in the prompt that happens more often, and sampling makes
two runs on the same file differ (measured: 440 to 458 words on the sample).
Here the fallback changes the prompt instead, always with beam search: first
without the hotwords, then without the previous text too. Every run gives the
same result, and a window the hotwords derail is decoded as plain Whisper would.

Each attempt may write at most a number of tokens set by the seconds of audio in
the window. A derailed decoder repeats a phrase until the model's length limit
(measured on the sample: 224 tokens, 2.7 s, for the last 1.2 s of speech, most
of what the hotwords cost there); speech never comes near the budget
(the densest window of the test webinars held 4 tokens a second), so an attempt
that fills it is a failure and the next prompt is tried.
"""
from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
from faster_whisper import WhisperModel

from captioner.media.audio import MEL_FRAMES_PER_SECOND

TOKENS_PER_SECOND = 10
TOKENS_ALWAYS = 16


def token_budget(seconds: float) -> int:
    return TOKENS_ALWAYS + math.ceil(TOKENS_PER_SECOND * seconds)


def content_seconds(features: np.ndarray) -> float:
    """Seconds of audio in a window's features: faster-whisper pads a short
    window to 30 s with columns of exact zeros, which real log-mel never gives."""
    filled = np.flatnonzero(np.any(features.reshape(-1, features.shape[-1]) != 0, axis=0))
    return (filled[-1] + 1) / MEL_FRAMES_PER_SECOND if len(filled) else 0.0


def window_failed(avg_logprob: float, compression_ratio: float, no_speech_prob: float, options) -> bool:
    """faster-whisper's own test for a window that needs decoding again."""
    failed = False
    if options.compression_ratio_threshold is not None and compression_ratio > options.compression_ratio_threshold:
        failed = True
    low = options.log_prob_threshold is not None and avg_logprob < options.log_prob_threshold
    if low:
        failed = True
        if options.no_speech_threshold is not None and no_speech_prob > options.no_speech_threshold:
            failed = False  # silence, not a failure
    return failed


class RepeatableWhisperModel(WhisperModel):
    _window = threading.local()

    def encode(self, features):
        self._window.seconds = content_seconds(features)
        return super().encode(features)

    def prompt_ladder(self, prompt: list[int], tokenizer, options) -> list[list[int]]:
        """The prompt as given, then without hotwords, then with no context at all."""
        start = prompt.index(tokenizer.sot)
        context, tail = prompt[:start], prompt[start:]
        ladder = [prompt]
        if context and options.hotwords and not options.prefix:
            hotword_tokens = tokenizer.encode(" " + options.hotwords.strip())[: self.max_length // 2 - 1]
            previous = context[1 + len(hotword_tokens):]
            ladder.append(([tokenizer.sot_prev] + previous if previous else []) + tail)
        if context and ladder[-1] != tail:
            ladder.append(tail)
        return ladder

    def generate_with_fallback(self, encoder_output, prompt, tokenizer, options):
        seconds = getattr(self._window, "seconds", None)
        self._window.seconds = None  # a window decoded without encode() here gets no budget
        tried, unfinished = [], []
        for candidate in self.prompt_ladder(prompt, tokenizer, options):
            budget = self.max_length - len(candidate)
            if options.max_new_tokens is not None:
                budget = min(budget, options.max_new_tokens)
            if seconds is not None:
                budget = min(budget, token_budget(seconds))
            beam_only = dataclasses.replace(options, temperatures=[0.0], max_new_tokens=budget)
            result = super().generate_with_fallback(encoder_output, candidate, tokenizer, beam_only)
            decoded, avg_logprob, _, compression_ratio = result
            if len(decoded.sequences_ids[0]) >= budget:
                unfinished.append(result)
                continue
            tried.append(result)
            if not window_failed(avg_logprob, compression_ratio, decoded.no_speech_prob, options):
                return result
        tried = tried or unfinished
        fine = [r for r in tried if options.compression_ratio_threshold is None
                or r[3] <= options.compression_ratio_threshold]
        return max(fine or tried, key=lambda r: r[1])
