"""faster-whisper's model with a fallback that is repeatable and keeps the glossary safe.

faster-whisper decodes a 30-second window again, by random sampling at rising
temperatures, when the result looks wrong (too repetitive, or too unlikely).
With glossary hotwords in the prompt that happens more often, and sampling makes
two runs on the same file differ (measured: 440 to 458 words on the sample).
Here the fallback changes the prompt instead, always with beam search: first
without the hotwords, then without the previous text too. Every run gives the
same result, and a window the hotwords derail is decoded as plain Whisper would.
"""
from __future__ import annotations

import dataclasses

from faster_whisper import WhisperModel


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
    def prompt_ladder(self, prompt: list[int], tokenizer, options) -> list[list[int]]:
        """The prompt as given, then without hotwords, then with no context at all."""
        start = prompt.index(tokenizer.sot)
        context, tail = prompt[:start], prompt[start:]
        ladder = [prompt]
        if context and options.hotwords and not options.prefix:
            hotword_tokens = tokenizer.encode(" " + options.hotwords.strip())[: self.max_length // 2 - 1]
            previous = context[1 + len(hotword_tokens):]
            ladder.append(([tokenizer.sot_prev] + previous if previous else []) + tail)
        if context:
            ladder.append(tail)
        return ladder

    def generate_with_fallback(self, encoder_output, prompt, tokenizer, options):
        beam_only = dataclasses.replace(options, temperatures=[0.0])
        tried = []
        for candidate in self.prompt_ladder(prompt, tokenizer, options):
            result = super().generate_with_fallback(encoder_output, candidate, tokenizer, beam_only)
            decoded, avg_logprob, _, compression_ratio = result
            tried.append(result)
            if not window_failed(avg_logprob, compression_ratio, decoded.no_speech_prob, options):
                return result
        fine = [r for r in tried if options.compression_ratio_threshold is None
                or r[3] <= options.compression_ratio_threshold]
        return max(fine or tried, key=lambda r: r[1])
