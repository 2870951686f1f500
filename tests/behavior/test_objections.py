"""The hybrid objection tagger on the held-out split of the authored set (never trained on)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from behavior.objections import LABELS, ObjectionTagger
from behavior.objections.dataset import load_examples

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tagger() -> ObjectionTagger:
    return ObjectionTagger("hybrid", model_dir=REPO / ".dealwise" / "models")


def _macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, predicted, average="macro", zero_division=0))


def test_held_out_macro_f1(tagger):
    test = load_examples("test")
    assert len(test) > 200 and {e.lang for e in test} == {"zh", "en"}
    results = tagger.classify([{"text": e.text, "role": "customer"} for e in test])
    truth = np.array([[label in e.labels for label in LABELS] for e in test])
    predicted = np.array([[label in r.labels for label in LABELS] for r in results])
    # Measured 0.852 (bench/objections.py; 0.869 out of fold on train); the bound leaves room for retraining noise.
    assert _macro_f1(truth, predicted) >= 0.83
    lexicon = ObjectionTagger("lexicon").classify([{"text": e.text, "role": "customer"} for e in test])
    assert _macro_f1(truth, predicted) > _macro_f1(truth, np.array([[label in r.labels for label in LABELS] for r in lexicon]))


def test_scores_evidence_and_roles(tagger):
    customer, rep, denied = tagger.classify(
        [
            {"text": "太贵了，而且我得先问问老板", "role": "customer"},
            {"text": "太贵了，而且我得先问问老板", "role": "rep"},
            {"text": "价格不是问题，你们什么时候能上线？", "role": "customer"},
        ]
    )
    assert customer.labels == ["price", "authority"]
    assert set(customer.scores) == set(LABELS) and all(0 <= p <= 1 for p in customer.scores.values())
    assert customer.evidence["price"] == "太贵" and "老板" in customer.evidence["authority"]
    assert rep.labels == [] and rep.scores == {}
    assert "price" not in denied.labels and denied.scores["price"] < 0.5


def test_model_is_trained_once_and_reused(tagger):
    models = list((REPO / ".dealwise" / "models").glob("objections-*.npz"))
    assert len(models) >= 1
    before = max(m.stat().st_mtime for m in models)
    ObjectionTagger("hybrid", model_dir=REPO / ".dealwise" / "models")
    assert max(m.stat().st_mtime for m in (REPO / ".dealwise" / "models").glob("objections-*.npz")) == before


def test_cascade_runs_e5_only_where_stage_one_is_unsure(tagger):
    """The cheap stage decides most utterances alone; the ones it defers get the same answer as the tagger."""
    import embeddings

    e5 = embeddings.get_embedder("e5")
    seen: list[str] = []

    class Counting:
        name, dim = "counting-e5", e5.dim

        def queries(self, texts):
            seen.extend(texts)
            return e5.queries(texts)

        passages = queries

    embeddings.register("counting-e5")(Counting)
    counting = ObjectionTagger("hybrid", model_dir=REPO / ".dealwise" / "models", embedder="counting-e5")
    texts = [e.text for e in load_examples("test")]
    results = counting.classify([{"text": text, "role": "customer"} for text in texts])
    assert 0 < len(set(seen)) < 0.6 * len(texts)  # measured: ~3% of the test split goes to e5 (budget 5% in CV)
    assert [r.labels for r in results] == [r.labels for r in tagger.classify([{"text": text} for text in texts])]
    confident = counting.classify([{"text": "太贵了，而且我得先问问老板", "role": "customer"}])[0]
    assert confident.labels == ["price", "authority"]


def test_later_rounds_stay_away_from_test_lines():
    """Rounds 2 and 3 were written after the split: none is closer to a test line than round 1's closest pair."""
    from behavior.objections.overlap import closest_test_similarity

    train, test = load_examples("train"), load_examples("test")
    closest = closest_test_similarity(train, test)
    round_one = max(c for e, c in zip(train, closest) if e.round == 1)
    later = [c for e, c in zip(train, closest) if e.round > 1]
    assert len(later) > 1500 and max(later) < round_one
    assert not {e.text for e in train} & {e.text for e in test}
