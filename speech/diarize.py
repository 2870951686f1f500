"""Speaker diarization for mono recordings: voice embeddings on the recognized speech, clustered.

The recognizer has already found where speech is (its VAD), so we embed 1.6 s windows only inside
recognized segments with the GE2E voice encoder bundled in `resemblyzer`, cluster the windows
(average-linkage on a bounded sample, then spherical k-means over all of them, so a 3-hour call
costs memory linear in its windows), and give every *word* the speaker of the nearest window.
Segments are then split wherever the speaker changes, so one Whisper segment that spans a turn
change still ends up attributed correctly.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field

import numpy as np

from speech.audio import SAMPLE_RATE
from speech.engines import RecognizedSegment, RecognizedWord
from speech.text import join_words

WINDOW_S = 1.6  # the encoder's partial-utterance length
HOP_S = 0.4
# A speaker change shorter than this is treated as embedding noise, not a turn.
MIN_TURN_S = 0.5
_CLUSTER_SAMPLE = 2000

_encoder = None
_encoder_lock = threading.Lock()


def _voice_encoder():
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # webrtcvad's pkg_resources deprecation notice
                from resemblyzer import VoiceEncoder
            _encoder = VoiceEncoder("cpu", verbose=False)
        return _encoder


@dataclass
class SpeakerEmbeddings:
    """Window embeddings collected chunk by chunk over a whole recording."""

    centers: list[float] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)

    def add(self, audio: np.ndarray, offset: float, segments: list[RecognizedSegment]) -> None:
        """Embed windows over `segments` (times relative to `audio`, which starts at `offset` s)."""
        if not segments:
            return
        encoder = _voice_encoder()
        import torch
        from resemblyzer.audio import normalize_volume, wav_to_mel_spectrogram

        audio = normalize_volume(audio, -30, increase_only=True)
        width = int(WINDOW_S * SAMPLE_RATE)
        centers, mels = [], []
        for segment in segments:
            for center in _window_centers(segment.start, segment.end):
                lo = int(center * SAMPLE_RATE) - width // 2
                lo = max(0, min(lo, len(audio) - width))
                window = audio[lo : lo + width]
                if len(window) < width:
                    window = np.pad(window, (0, width - len(window)))
                mels.append(wav_to_mel_spectrogram(window)[:160])
                centers.append(offset + (lo + width / 2) / SAMPLE_RATE)
        with torch.no_grad():
            for start in range(0, len(mels), 64):
                batch = torch.from_numpy(np.stack(mels[start : start + 64]))
                self.vectors.extend(encoder(batch).numpy())
        self.centers.extend(centers)


def _window_centers(start: float, end: float) -> list[float]:
    if end - start <= WINDOW_S:
        return [(start + end) / 2]
    return list(np.arange(start + WINDOW_S / 2, end - WINDOW_S / 2 + 1e-6, HOP_S))


def cluster(vectors: np.ndarray, n_speakers: int) -> np.ndarray:
    """Label each L2-normalized row with a speaker index 0..k-1 (k <= n_speakers).

    The count comes from the caller (`--speakers`): we measured no similarity threshold that tells
    "one voice" from "two voices" reliably (a single speaker split in two scored 0.73-0.79 centroid
    cosine, two espeak-ng voices 0.74), so guessing it would misattribute more often than it helps.
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(vectors) == 0:
        return np.zeros(0, dtype=int)
    if len(vectors) <= n_speakers or n_speakers == 1:
        return np.zeros(len(vectors), dtype=int)
    sample = vectors[np.linspace(0, len(vectors) - 1, min(len(vectors), _CLUSTER_SAMPLE)).astype(int)]
    seed = fcluster(linkage(sample, method="average", metric="cosine"), n_speakers, criterion="maxclust") - 1
    centroids = _normalize(np.stack([sample[seed == k].mean(0) for k in np.unique(seed)]))
    labels = np.zeros(len(vectors), dtype=int)
    for _ in range(20):
        new = np.argmax(vectors @ centroids.T, axis=1)
        if np.array_equal(new, labels) and _ > 0:
            break
        labels = new
        centroids = _normalize(
            np.stack([vectors[labels == k].mean(0) if np.any(labels == k) else centroids[k] for k in range(len(centroids))])
        )
    _, dense = np.unique(labels, return_inverse=True)  # an emptied cluster leaves no gap in the numbering
    return dense


def _normalize(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-9)


@dataclass(frozen=True)
class Turn:
    speaker: int
    start: float
    end: float
    words: tuple[RecognizedWord, ...]
    text: str


def attribute(
    segments: list[RecognizedSegment], embeddings: SpeakerEmbeddings, n_speakers: int, language: str
) -> list[Turn]:
    """Split recognized segments into speaker turns (segment/word times absolute, in seconds)."""
    if not segments:
        return []
    centers = np.asarray(embeddings.centers)
    labels = cluster(_normalize(np.asarray(embeddings.vectors)), n_speakers) if len(centers) else np.zeros(0, int)
    order = np.argsort(centers)
    centers, labels = centers[order], labels[order]

    def speaker_at(t: float) -> int:
        if len(centers) == 0:
            return 0
        i = int(np.searchsorted(centers, t))
        candidates = [j for j in (i - 1, i) if 0 <= j < len(centers)]
        return int(labels[min(candidates, key=lambda j: abs(centers[j] - t))])

    turns: list[Turn] = []
    for segment in segments:
        if not segment.words:
            votes = [speaker_at(c) for c in _window_centers(segment.start, segment.end)]
            turns.append(Turn(max(set(votes), key=votes.count), segment.start, segment.end, (), segment.text.strip()))
            continue
        word_speakers = _smooth([speaker_at((w.start + w.end) / 2) for w in segment.words], segment.words)
        run: list[RecognizedWord] = []
        for word, speaker in zip(segment.words, word_speakers):
            if run and speaker != run_speaker:
                turns.append(_turn(run_speaker, run, language))
                run = []
            run.append(word)
            run_speaker = speaker
        turns.append(_turn(run_speaker, run, language))
    return turns


def _smooth(speakers: list[int], words: tuple[RecognizedWord, ...]) -> list[int]:
    """Absorb speaker runs shorter than MIN_TURN_S into the preceding (or following) run."""
    runs: list[list[int]] = []  # [speaker, first index, last index]
    for i, s in enumerate(speakers):
        if runs and runs[-1][0] == s:
            runs[-1][2] = i
        else:
            runs.append([s, i, i])
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for k, (s, a, b) in enumerate(runs):
            if words[b].end - words[a].start < MIN_TURN_S:
                neighbour = runs[k - 1] if k > 0 else runs[k + 1]
                neighbour[1], neighbour[2] = min(neighbour[1], a), max(neighbour[2], b)
                del runs[k]
                changed = True
                break
        merged: list[list[int]] = []
        for run in runs:
            if merged and merged[-1][0] == run[0]:
                merged[-1][2] = run[2]
            else:
                merged.append(run)
        runs = merged
    out = [0] * len(speakers)
    for s, a, b in runs:
        out[a : b + 1] = [s] * (b - a + 1)
    return out


def _turn(speaker: int, words: list[RecognizedWord], language: str) -> Turn:
    return Turn(speaker, words[0].start, words[-1].end, tuple(words), join_words([w.text for w in words], language))
