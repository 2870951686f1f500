"""Diarization quality of the mono path: who spoke when, scored against exact reference turns.

Stereo recordings are attributed exactly (one speaker per channel); mono ones depend on voice
embeddings and clustering (speech.diarize) and on role assignment (speech.roles), and this measures
how often they are right. Two recordings with exactly known turn times:

- the bundled sample call (two espeak-ng voices, Mandarin) mixed down to mono, reference turns from
  examples/sample_call_zh.json;
- a two-voice call built from real speech: jfk.flac (a man, English) and zh_welcome.wav (a different
  speaker, Mandarin) cut at their pauses into 2-4 s pieces and interleaved as alternating turns with
  0.5 s gaps; each turn's reference time is the voiced extent of its piece.

Each runs through `speech.transcribe` exactly as a user's mono file would (no --stereo, 2 speakers).
Scoring is at 10 ms over the reference speech, after the best one-to-one mapping of hypothesis to
reference speakers (Hungarian): attribution accuracy = 1 - (confusion + missed) / speech, plus the
usual DER, which also counts false alarm (hypothesis speech where the reference has none). No collar:
Whisper's word timings are part of what a user gets, so boundary error counts as missed/false alarm.

    .venv/bin/python bench/diarization.py            # or: make bench
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data" / "speech"
SAMPLE_CALL = REPO / "examples" / "sample_call_zh.flac"
SAMPLE_REFERENCE = REPO / "examples" / "sample_call_zh.json"
COMMAND = ".venv/bin/python bench/diarization.py"
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # every model is local; never let a library reach for the hub

from speech import SAMPLE_RATE, EngineConfig, TranscribeOptions, load_audio, transcribe  # noqa: E402

RESOLUTION_S = 0.01
FRAME = int(RESOLUTION_S * SAMPLE_RATE)
GAP_S = 0.5
TURNS_PER_SPEAKER = 12
# Pieces of the real clips: long enough to carry a voice (the encoder's window is 1.6 s), short
# enough that the call has many speaker changes.
PIECE_MIN_S, PIECE_MAX_S = 2.0, 4.0
# Frames this far below the clip's loudest are pause or background noise (jfk.flac's hiss is ~32 dB down).
VOICED_BELOW_PEAK_DB = 30.0


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: float
    end: float


@dataclass(frozen=True)
class Score:
    """Seconds of reference speech and of each error kind, and how hypothesis speakers were mapped."""

    speech_s: float
    correct_s: float
    missed_s: float
    confusion_s: float
    false_alarm_s: float
    mapping: dict[str, str]  # hypothesis speaker -> reference speaker

    @property
    def accuracy(self) -> float:
        return self.correct_s / self.speech_s

    @property
    def der(self) -> float:
        return (self.missed_s + self.confusion_s + self.false_alarm_s) / self.speech_s


def score(reference: list[Turn], hypothesis: list[Turn], mapping: dict[str, str] | None = None) -> Score:
    """Frame-level scoring at RESOLUTION_S; `mapping` fixes hypothesis -> reference, else the best one.

    Reference turns must not overlap (true of both test calls). Where hypothesis turns overlap, the
    later-starting one owns the shared frames.
    """
    from scipy.optimize import linear_sum_assignment

    ref_names = sorted({t.speaker for t in reference})
    hyp_names = sorted({t.speaker for t in hypothesis})
    frames = int(round(max(t.end for t in reference + hypothesis) / RESOLUTION_S)) + 1
    ref = _frame_labels(reference, ref_names, frames)
    hyp = _frame_labels(hypothesis, hyp_names, frames)
    overlap = np.zeros((len(ref_names), max(len(hyp_names), 1)), dtype=np.int64)
    np.add.at(overlap, (ref[(ref >= 0) & (hyp >= 0)], hyp[(ref >= 0) & (hyp >= 0)]), 1)
    if mapping is None:
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        mapping = {hyp_names[c]: ref_names[r] for r, c in zip(rows, cols) if c < len(hyp_names)}
    correct = sum(int(overlap[ref_names.index(r), hyp_names.index(h)]) for h, r in mapping.items() if h in hyp_names)
    speech = int(np.sum(ref >= 0))
    missed = int(np.sum((ref >= 0) & (hyp < 0)))
    return Score(
        speech_s=speech * RESOLUTION_S,
        correct_s=correct * RESOLUTION_S,
        missed_s=missed * RESOLUTION_S,
        confusion_s=(speech - missed - correct) * RESOLUTION_S,
        false_alarm_s=int(np.sum((ref < 0) & (hyp >= 0))) * RESOLUTION_S,
        mapping=mapping,
    )


def _frame_labels(turns: list[Turn], names: list[str], frames: int) -> np.ndarray:
    """Index into `names` of the speaker of each frame, -1 where nobody speaks."""
    labels = np.full(frames, -1, dtype=np.int64)
    for turn in sorted(turns, key=lambda t: t.start):
        labels[int(round(turn.start / RESOLUTION_S)) : int(round(turn.end / RESOLUTION_S))] = names.index(turn.speaker)
    return labels


def sample_call_mono(directory: Path) -> tuple[Path, list[Turn]]:
    """The bundled stereo sample call mixed down to one channel, as a mono phone system records it."""
    import soundfile

    path = directory / "sample_call_zh_mono.wav"
    soundfile.write(path, load_audio(SAMPLE_CALL, layout="stereo").mean(axis=0), SAMPLE_RATE)
    reference = json.loads(SAMPLE_REFERENCE.read_text(encoding="utf-8"))
    return path, [Turn(s["speaker"], s["start"], s["end"]) for s in reference["segments"]]


def two_voice_call(directory: Path) -> tuple[Path, list[Turn]]:
    """Alternating turns of two real voices, each turn one piece of its clip, 0.5 s apart."""
    import soundfile

    pieces = {name: voiced_pieces(load_audio(SHARED / f"{name}{ext}")) for name, ext in (("jfk", ".flac"), ("zh_welcome", ".wav"))}
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts, reference, cursor = [gap], [], len(gap)
    for turn in range(TURNS_PER_SPEAKER * 2):
        speaker = "jfk" if turn % 2 == 0 else "zh_welcome"
        piece = pieces[speaker][(turn // 2) % len(pieces[speaker])]
        reference.append(Turn(speaker, cursor / SAMPLE_RATE, (cursor + len(piece)) / SAMPLE_RATE))
        parts += [piece, gap]
        cursor += len(piece) + len(gap)
    path = directory / "two_voices.wav"
    soundfile.write(path, np.concatenate(parts), SAMPLE_RATE)
    return path, reference


def voiced_pieces(audio: np.ndarray) -> list[np.ndarray]:
    """Cut a clip into PIECE_MIN_S..PIECE_MAX_S pieces at its quietest moments, each trimmed to its voice."""
    energy = np.convolve(_frame_db(audio), np.ones(5) / 5, mode="same")  # 50 ms smoothing: no cut inside a syllable
    voiced = energy > energy.max() - VOICED_BELOW_PEAK_DB
    first, last = np.flatnonzero(voiced)[[0, -1]]
    min_frames, max_frames = int(PIECE_MIN_S / RESOLUTION_S), int(PIECE_MAX_S / RESOLUTION_S)
    cuts = [int(first)]
    while last + 1 - cuts[-1] > max_frames:
        window = energy[cuts[-1] + min_frames : cuts[-1] + max_frames]
        cuts.append(cuts[-1] + min_frames + int(np.argmin(window)))
    cuts.append(int(last) + 1)
    pieces = []
    for lo, hi in zip(cuts, cuts[1:]):
        inside = lo + np.flatnonzero(voiced[lo:hi])
        pieces.append(audio[inside[0] * FRAME : (inside[-1] + 1) * FRAME])
    return pieces


def _frame_db(audio: np.ndarray) -> np.ndarray:
    frames = audio[: len(audio) // FRAME * FRAME].reshape(-1, FRAME).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def run_case(name: str, path: Path, reference: list[Turn], options: TranscribeOptions) -> dict:
    started = time.perf_counter()
    conversation = transcribe(path, options)
    elapsed = time.perf_counter() - started
    hypothesis = [Turn(s.speaker, s.start, s.end) for s in conversation.segments]
    result = score(reference, hypothesis)
    row = {
        "audio": name,
        "language": conversation.language,
        "process_s": round(elapsed, 1),
        "reference_speakers": len({t.speaker for t in reference}),
        "hypothesis_speakers": len(conversation.participants),
        **_figures(result),
    }
    if any(t.speaker == "rep" for t in reference):  # the sample call: did role assignment find the rep?
        roles = {p.speaker: p.role for p in conversation.participants}
        rep = next((speaker for speaker, role in roles.items() if role == "rep"), None)
        by_role = score(reference, [Turn(roles[t.speaker], t.start, t.end) for t in hypothesis], {"rep": "rep", "customer": "customer"})
        row["hypothesis_rep"] = rep
        row["rep_correct"] = rep is not None and result.mapping.get(rep) == "rep"
        row["role_attribution_accuracy"] = round(by_role.accuracy, 4)
    return row


def _figures(result: Score) -> dict:
    figures = {key: round(value, 2) for key, value in asdict(result).items() if key.endswith("_s")}
    return {**figures, "accuracy": round(result.accuracy, 4), "der": round(result.der, 4), "mapping": result.mapping}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not (SHARED / "jfk.flac").is_file():
        raise SystemExit(f"the real test clips are missing from {SHARED}")
    config = EngineConfig(threads=args.threads, models_dir=REPO / ".dealwise" / "models")
    load = os.getloadavg()[0]
    print(f"diarization of mono audio: speech.transcribe, 2 speakers, faster-whisper base int8, {args.threads} threads")
    print(f"(load average {load:.1f} on {os.cpu_count()} cores at start; processing times are for information only)\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("sample call (2 espeak voices, zh) mono", *sample_call_mono(Path(tmp)), TranscribeOptions(language="zh", engine_config=config)),
            ("jfk + zh_welcome turns (real voices)", *two_voice_call(Path(tmp)), TranscribeOptions(engine_config=config)),
        ]
        print(f"{'audio':40} {'speech s':>8} {'accuracy':>9} {'missed':>7} {'confusion':>9} {'false al.':>9} {'DER':>7} {'time s':>7}")
        for name, path, reference, options in cases:
            row = run_case(name, path, reference, options)
            rows.append(row)
            speech = row["speech_s"]
            print(
                f"{name:40} {speech:8.1f} {row['accuracy']:9.1%} {row['missed_s'] / speech:7.1%} "
                f"{row['confusion_s'] / speech:9.1%} {row['false_alarm_s'] / speech:9.1%} {row['der']:7.1%} {row['process_s']:7.1f}",
                flush=True,
            )
    print("\naccuracy = 1 - (missed + confusion) / reference speech, at 10 ms, best one-to-one speaker mapping, no collar")
    for row in rows:
        mapping = ", ".join(f"{h} -> {r}" for h, r in sorted(row["mapping"].items()))
        print(f"  {row['audio']}: language {row['language']}, {row['hypothesis_speakers']} speakers found ({mapping})")
        if "rep_correct" in row:
            verdict = "correct" if row["rep_correct"] else "WRONG"
            print(
                f"    role: the participant marked rep ({row['hypothesis_rep']}) is the reference rep: {verdict}; "
                f"speech attributed to the right role: {row['role_attribution_accuracy']:.1%}"
            )
    if args.json:
        args.json.write_text(json.dumps({"command": COMMAND, "threads": args.threads, "rows": rows}, indent=2, ensure_ascii=False))
    print(f"\nreproduce: {COMMAND}" + (f" --threads {args.threads}" if args.threads != 2 else ""))


if __name__ == "__main__":
    main()
