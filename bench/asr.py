"""ASR speed and memory: real-time factor and peak RSS of both engines on the same audio, 2 threads.

RTF = processing seconds / audio seconds for the whole `speech.transcribe` pipeline (decoding, VAD,
recognition, diarization or channel split), with the model already loaded (load time is reported on
its own), measured in a fresh process per (engine, audio) so peak memory is that run's alone.
Both engines run the same Whisper base weights (openai-whisper gets them exported from the bundled
CTranslate2 model), so the comparison is engine against engine.

    .venv/bin/python bench/asr.py            # or: make bench
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data" / "speech"
COMMAND = ".venv/bin/python bench/asr.py"
TARGET_RTF = 0.15
TARGET_PEAK_MB = 1536
REPEATS = 3


def build_clips(directory: Path) -> list[tuple[Path, str, str | None]]:
    """The real English and Mandarin clips, and the 83.5 s sample call as stereo and mixed down to mono.

    Clips are not concatenated with themselves: Whisper sees repeated text as a hallucination loop
    (high compression ratio) and re-decodes at higher temperatures, which measures the fallback, not
    the engine.
    """
    import soundfile

    from speech import load_audio

    call = REPO / "examples" / "sample_call_zh.flac"
    mono = directory / "sample_call_zh_mono.wav"
    soundfile.write(mono, load_audio(call, layout="stereo").mean(axis=0), 16000)
    return [(SHARED / "jfk.flac", "en", None), (SHARED / "zh_welcome.wav", "zh", None), (call, "zh", "rep-left"), (mono, "zh", None)]


def worker(engine: str, audio: str, language: str, stereo: str | None, threads: int) -> dict:
    from speech import EngineConfig, TranscribeOptions, get_transcriber, probe, transcribe

    config = EngineConfig(models_dir=REPO / ".dealwise" / "models", threads=threads)
    started = time.perf_counter()
    get_transcriber(engine, config)
    load_s = time.perf_counter() - started
    options = TranscribeOptions(language=language, stereo=stereo, engine=engine, engine_config=config)
    timings = []
    for _ in range(REPEATS):  # the median of three runs: one-off costs (VAD, voice encoder load) fall out
        started = time.perf_counter()
        conversation = transcribe(audio, options)
        timings.append(time.perf_counter() - started)
    elapsed = float(np.median(timings))
    duration = probe(audio).duration or conversation.metadata["duration_s"]
    return {
        "engine": engine,
        "audio": Path(audio).name + (f" ({stereo})" if stereo else ""),
        "audio_s": round(duration, 1),
        "load_s": round(load_s, 2),
        "process_s": round(elapsed, 2),
        "rtf": round(elapsed / duration, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "segments": len(conversation.segments),
    }


def run_in_subprocess(engine: str, audio: Path, language: str, stereo: str | None, threads: int) -> dict:
    args = [sys.executable, __file__, "--worker", engine, str(audio), language, stereo or "-", str(threads)]
    done = subprocess.run(args, capture_output=True, text=True, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    if done.returncode:
        raise SystemExit(f"benchmark worker failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--engines", default="faster-whisper,openai-whisper")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, audio, language, stereo, threads = args.worker
        print(json.dumps(worker(engine, audio, language, None if stereo == "-" else stereo, int(threads))))
        return
    if not (SHARED / "jfk.flac").is_file():
        raise SystemExit(f"the real test clips are missing from {SHARED}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at start (other work on the machine inflates RTF)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = build_clips(Path(tmp))
        for engine in args.engines.split(","):
            for audio, language, stereo in cases:
                rows.append(run_in_subprocess(engine, audio, language, stereo, args.threads))
                print(_row(rows[-1]), flush=True)
    print(f"\ntargets: RTF <= {TARGET_RTF} and peak RSS <= {TARGET_PEAK_MB} MB for faster-whisper base int8, {args.threads} threads")
    for row in rows:
        if row["engine"] == "faster-whisper":
            verdict = "PASS" if row["rtf"] <= TARGET_RTF and row["peak_rss_mb"] <= TARGET_PEAK_MB else "FAIL"
            print(f"  {verdict}  {row['audio']}: RTF {row['rtf']}, peak {row['peak_rss_mb']} MB")
    by_engine = {}
    for row in rows:
        by_engine.setdefault(row["engine"], []).append(row["process_s"])
    if len(by_engine) == 2:
        ratio = sum(by_engine["openai-whisper"]) / sum(by_engine["faster-whisper"])
        print(f"  faster-whisper is {ratio:.1f}x faster than openai-whisper on the same weights and audio")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    print(f"\nreproduce: {COMMAND} --threads {args.threads}")


def _row(row: dict) -> str:
    return (
        f"{row['engine']:15} {row['audio']:34} {row['audio_s']:7.1f} s audio  {row['process_s']:7.2f} s  "
        f"RTF {row['rtf']:.3f}  load {row['load_s']:.1f} s  peak {row['peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
