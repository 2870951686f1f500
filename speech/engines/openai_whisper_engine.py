"""openai-whisper (PyTorch): the reference implementation, for users who have a local checkpoint.

openai-whisper downloads checkpoints from its own servers, which we never do: the user points
DEALWISE_ASR_MODEL (or `--model`) at a `.pt` file they already have.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from speech.engines.base import EngineConfig, Recognition, RecognizedSegment, RecognizedWord, register_engine
from speech.errors import EngineUnavailable


@register_engine("openai-whisper")
class OpenAIWhisperEngine:
    def __init__(self, config: EngineConfig):
        if not config.model or not Path(config.model).is_file():
            raise EngineUnavailable(
                "the openai-whisper engine needs a local checkpoint: set DEALWISE_ASR_MODEL to a .pt file "
                "(e.g. base.pt); it never downloads one"
            )
        try:
            import torch
            import whisper
        except ImportError:
            raise EngineUnavailable("openai-whisper is not installed: make install-openai-whisper") from None
        torch.set_num_threads(config.threads or (os.cpu_count() or 1))
        self.beam_size = config.beam_size
        self.model = whisper.load_model(config.model, device="cpu")

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        word_timestamps: bool = True,
        initial_prompt: str | None = None,
    ) -> Recognition:
        result = self.model.transcribe(
            audio.astype(np.float32),
            language=language,
            beam_size=self.beam_size,
            word_timestamps=word_timestamps,
            initial_prompt=initial_prompt,
            fp16=False,
            verbose=None,
        )
        segments = [
            RecognizedSegment(
                start=float(s["start"]),
                end=float(s["end"]),
                text=s["text"],
                words=tuple(
                    RecognizedWord(float(w["start"]), float(w["end"]), w["word"], float(w["probability"]))
                    for w in s.get("words", ())
                ),
            )
            for s in result["segments"]
        ]
        return Recognition(language=result["language"], segments=segments)

    def language_probabilities(self, audio: np.ndarray) -> dict[str, float]:
        import whisper

        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio.astype(np.float32)), self.model.dims.n_mels)
        _tokens, probabilities = self.model.detect_language(mel)
        return dict(probabilities)
