"""Errors the speech package raises for input a user can fix; the CLI prints them as one line."""


class SpeechError(ValueError):
    """Base for every user-facing speech error."""


class AudioError(SpeechError):
    """The audio cannot be used: missing, empty, not audio, truncated, corrupt or too short."""


class LanguageError(SpeechError):
    """A language code the recognizer does not know."""


class EngineUnavailable(SpeechError):
    """An ASR engine that is not installed, unknown, or has no model to load."""
