"""Build the bundled sample call: a scripted Mandarin sales call, synthesized, rep left / customer right.

We have no licensed real two-party Mandarin sales call, so the sample is synthesized with espeak-ng
(its Mandarin voice reads tone-numbered pinyin, which pypinyin produces from the script). The speech
is robotic and the recognizer gets roughly a third of the characters wrong, but the timing, channel
layout and reference transcript are exact, which is what the tests and the demo need. Rebuild with:

    .venv/bin/python examples/make_sample_call.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from speech.audio import SAMPLE_RATE, load_audio  # noqa: E402

VOICES = {"rep": ("cmn-latn-pinyin+f5", "140"), "customer": ("cmn-latn-pinyin+m4", "140")}
SCRIPT = [
    ("rep", "您好，我是云帆科技的销售经理小王。"),
    ("customer", "你好，有什么事吗？"),
    ("rep", "想跟您聊一下你们仓库管理系统的情况。"),
    ("customer", "我们现在最大的问题是库存盘点太慢，每个月都要花三天时间。"),
    ("rep", "明白，这个问题很多客户都遇到过。您现在用的是什么系统？"),
    ("customer", "还是用表格，人工录入，经常出错。"),
    ("rep", "我们的系统可以扫码盘点，一天就能完成。"),
    ("customer", "听起来不错，但是价格太贵的话我们可能用不起。"),
    ("rep", "我们有按仓库收费的方案，您有几个仓库？"),
    ("customer", "两个仓库。我们再考虑一下吧。"),
    ("rep", "没问题，您可以先免费试用两周，在一个仓库小范围跑一下。"),
    ("customer", "好的，那可以先试一下。"),
    ("rep", "那我们下周三下午两点开个线上会，我帮您开通账号。"),
    ("customer", "好，下周三见。"),
]
GAP_S = 0.6


def synthesize(text: str, voice: str, speed: str) -> np.ndarray:
    from pypinyin import Style, lazy_pinyin

    syllables = [p for p in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True) if p.strip("，。？！ ")]
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "line.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", speed, "-w", str(wav), " ".join(syllables)], check=True)
        audio = load_audio(wav)
    voiced = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[voiced[0] : voiced[-1] + 1]


def main() -> None:
    lines = [(role, text, synthesize(text, *VOICES[role])) for role, text in SCRIPT]
    total = sum(len(a) for _, _, a in lines) + int(GAP_S * SAMPLE_RATE) * (len(lines) + 1)
    stereo = np.zeros((total, 2), dtype=np.float32)
    cursor = int(GAP_S * SAMPLE_RATE)
    segments = []
    for role, text, audio in lines:
        stereo[cursor : cursor + len(audio), 0 if role == "rep" else 1] = audio * 0.8
        segments.append(
            {"speaker": role, "start": round(cursor / SAMPLE_RATE, 3), "end": round((cursor + len(audio)) / SAMPLE_RATE, 3), "text": text}
        )
        cursor += len(audio) + int(GAP_S * SAMPLE_RATE)
    soundfile.write(HERE / "sample_call_zh.flac", stereo, SAMPLE_RATE, format="FLAC")
    reference = {
        "id": "sample-call-zh",
        "language": "zh",
        "channel": "call",
        "participants": [{"speaker": "rep", "role": "rep", "name": "小王"}, {"speaker": "customer", "role": "customer"}],
        "segments": segments,
        "metadata": {"source": "sample_call_zh.flac", "note": "reference script; audio synthesized by espeak-ng"},
    }
    (HERE / "sample_call_zh.json").write_text(json.dumps(reference, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'sample_call_zh.flac'} ({total / SAMPLE_RATE:.1f} s, rep left / customer right)")


if __name__ == "__main__":
    main()
