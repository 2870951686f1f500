"""Test audio that phone systems produce and the ffmpeg CLI cannot always write."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def encode_amr(samples: np.ndarray, target: Path, sample_rate: int = 16000) -> None:
    """AMR-NB 12.2k at 8 kHz, as phone systems store calls (Debian's ffmpeg CLI lacks this encoder; PyAV has it)."""
    import av

    frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono")
    frame.rate = sample_rate
    with av.open(str(target), "w", format="amr") as container:
        stream = container.add_stream("libopencore_amrnb", rate=8000, layout="mono")
        stream.bit_rate = 12200
        for resampled in av.AudioResampler(format="s16", layout="mono", rate=8000).resample(frame):
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
