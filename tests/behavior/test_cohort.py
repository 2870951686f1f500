"""Won-vs-lost cohort statistics on synthetic cohorts with planted effects of known size."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from behavior.cohort import CohortError, DnaResult, cohort_statistics
from behavior.features.registry import Feature

TRUE_OR = 4.7
CJK = re.compile(r"[\u4e00-\u9fff]")


def feature(key: str, kind: str = "number", group: str = "talk", unit: str = "") -> Feature:
    return Feature(key, group, kind, unit, f"Definition of {key} (test).", f"{key} 的定义。", lambda view: None)


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def planted_cohort(n: int = 4000, seed: int = 11, n_noise: int = 20) -> tuple[pd.DataFrame, list[Feature]]:
    """A bool `trial_offer` with P=0.4 (0.9 for rep 'star', 0.05 for rep 'weak') that multiplies the odds of
    winning by TRUE_OR; a number `open_questions` shifted by +0.6 SD in won deals; `n_noise` pure-noise
    features (half numbers, half bools). Won calls run longer (log-normal, a shift in log duration only, so
    the call-length-adjusted odds ratio of trial_offer is TRUE_OR as well)."""
    rng = np.random.default_rng(seed)
    reps = rng.choice([f"rep{i}" for i in range(8)] + ["star", "weak"], n)
    p_trial = np.where(reps == "star", 0.9, np.where(reps == "weak", 0.05, 0.4))
    trial = rng.random(n) < p_trial
    won = rng.random(n) < expit(-1.0 + np.log(TRUE_OR) * trial)
    questions = rng.normal(3.0, 1.0, n) + 0.6 * won
    questions[reps == "star"] += 0.5
    questions[reps == "weak"] -= 0.8
    data = {
        "conversation_id": [f"c{i}" for i in range(n)],
        "outcome": np.where(won, "won", "lost"),
        "rep": [None if i % 97 == 0 else r for i, r in enumerate(reps)],
        "duration_s": np.exp(rng.normal(6.3 + 0.3 * won, 0.5)),
        "language": rng.choice(["zh", "en"], n),
        "trial_offer": trial,
        "open_questions": questions,
    }
    features = [feature("trial_offer", "bool", "objections"), feature("open_questions", "number", "questioning")]
    for i in range(n_noise):
        if i % 2:
            key, values = f"noise_bool_{i}", rng.random(n) < 0.3
            features.append(feature(key, "bool", "engagement"))
        else:
            key, values = f"noise_num_{i}", rng.gamma(2.0, 10.0, n)
            features.append(feature(key, "number", "engagement", "s"))
        data[key] = values
    return pd.DataFrame(data), features


@pytest.fixture(scope="module")
def planted() -> tuple[DnaResult, pd.DataFrame]:
    table, features = planted_cohort()
    return cohort_statistics(table, features, excluded={"missing outcome": 3}, seed=0), table


def test_planted_odds_ratio_inside_both_intervals(planted):
    result, _ = planted
    stat = result.feature("trial_offer")
    assert stat.test == "fisher_exact" and stat.significant and stat.direction == "won"
    assert stat.or_ci_low < TRUE_OR < stat.or_ci_high, (stat.or_ci_low, stat.odds_ratio, stat.or_ci_high)
    assert stat.adj_ci_low < TRUE_OR < stat.adj_ci_high, (stat.adj_ci_low, stat.adj_odds_ratio, stat.adj_ci_high)
    assert "Wald" in stat.or_method  # 4000 conversations: above the exact-CI size
    assert stat.won_rate > stat.lost_rate and stat.effect == pytest.approx(stat.won_rate - stat.lost_rate)


def test_planted_features_ranked_top_and_noise_not_significant(planted):
    result, _ = planted
    assert set(result.top[:2]) == {"trial_offer", "open_questions"}
    assert result.top == result.ranking[: len(result.top)]
    noise = [s for s in result.features if s.key.startswith("noise")]
    assert all(not s.significant for s in noise), [(s.key, s.q) for s in noise if s.significant]
    assert result.n_significant == len(result.top) == 2

    questions = result.feature("open_questions")
    assert questions.test == "mann_whitney_u" and questions.effect_kind == "rank_biserial"
    assert questions.direction == "won" and 0.2 < questions.effect < 0.5  # d = 0.6 -> r ~ 0.33
    assert questions.won_median > questions.lost_median
    assert questions.won_dist.q1 < questions.won_dist.median < questions.won_dist.q3


def test_cohort_counts_headlines_and_json(planted):
    result, table = planted
    assert result.n_won + result.n_lost == len(table) == result.n_total
    assert result.n_won == int((table["outcome"] == "won").sum())
    assert result.excluded == {"missing outcome": 3}
    assert result.n_features == result.n_tested == 22
    assert result.duration_median_won > result.duration_median_lost
    assert {lang.language for lang in result.languages} == {"zh", "en"}

    assert 3 <= len(result.headlines) <= 6
    assert all(CJK.search(h.zh) and h.en and not CJK.search(h.en) for h in result.headlines)
    trial = next(h for h in result.headlines if h.key == "trial_offer")
    assert "odds ratio" in trial.en and "优势比" in trial.zh and "q < 0.001" in trial.en

    data = result.model_dump(mode="json")
    text = json.dumps(data, allow_nan=False)  # plain JSON: no NaN or Infinity anywhere
    assert DnaResult.model_validate_json(text).top == result.top


def test_rep_cards(planted):
    result, table = planted
    cards = {c.rep: c for c in result.reps}
    assert set(cards) == set(table["rep"].dropna())  # conversations without a rep are skipped
    assert result.similarity_features == result.top[:2]
    star, weak = cards["star"], cards["weak"]
    assert star.n == int((table["rep"] == "star").sum())
    assert star.win_rate > weak.win_rate
    assert 0 <= weak.similarity < star.similarity <= 100
    assert len(weak.gaps) == 2 and {g.key for g in weak.gaps} == {"trial_offer", "open_questions"}
    trial_gap = next(g for g in weak.gaps if g.key == "trial_offer")
    assert trial_gap.rep_value < trial_gap.won_value and "less often than winners" in trial_gap.text_en
    assert "少于赢单" in trial_gap.text_zh
    assert all(g.z > 0 for c in result.reps for g in c.gaps) and all(len(c.gaps) <= 3 for c in result.reps)


def test_null_cohort_has_no_significant_feature():
    rng = np.random.default_rng(2024)
    n = 1500
    data = {
        "conversation_id": [f"c{i}" for i in range(n)],
        "outcome": np.where(rng.random(n) < 0.45, "won", "lost"),
        "rep": rng.choice(["a", "b", "c"], n),
        "duration_s": rng.gamma(4.0, 150.0, n),
        "language": "zh",
    }
    features = []
    for i in range(15):
        data[f"num_{i}"] = rng.normal(0, 1, n)
        features.append(feature(f"num_{i}"))
    for i in range(10):
        data[f"bool_{i}"] = rng.random(n) < 0.3
        features.append(feature(f"bool_{i}", "bool"))
    for i in range(5):
        data[f"cat_{i}"] = rng.choice(["x", "y", "z"], n)
        features.append(feature(f"cat_{i}", "category"))
    result = cohort_statistics(pd.DataFrame(data), features)
    assert result.n_tested == 30
    assert result.top == [] and result.n_significant == 0
    assert min(s.q for s in result.features) >= 0.05
    assert result.reps_note and all(c.similarity is None for c in result.reps)
    assert 3 <= len(result.headlines) <= 6
    assert any("No behavior reaches significance" in h.en for h in result.headlines)


def _small_table(outcomes: list[str]) -> tuple[pd.DataFrame, list[Feature]]:
    n = len(outcomes)
    table = pd.DataFrame(
        {
            "conversation_id": [f"c{i}" for i in range(n)],
            "outcome": outcomes,
            "rep": "a",
            "duration_s": 300.0,
            "language": "en",
            "x": np.arange(n, dtype=float),
        }
    )
    return table, [feature("x")]


def test_one_sided_and_empty_cohorts_raise_clear_errors():
    table, features = _small_table(["won"] * 412)
    with pytest.raises(CohortError, match=r"only won deals \(412\); need both won and lost"):
        cohort_statistics(table, features)
    table, features = _small_table(["lost"] * 7)
    with pytest.raises(CohortError, match=r"only lost deals \(7\)"):
        cohort_statistics(table, features, excluded={"missing outcome": 2})
    table, features = _small_table([])
    with pytest.raises(CohortError, match="empty"):
        cohort_statistics(table, features)


def test_malformed_tables_raise_clear_errors():
    table, features = _small_table(["won", "lost", "pending"])
    with pytest.raises(CohortError, match="'pending'"):
        cohort_statistics(table, features)
    table, _ = _small_table(["won", "lost"])
    with pytest.raises(CohortError, match="no column for feature"):
        cohort_statistics(table, [feature("missing_feature")])
    with pytest.raises(CohortError, match="duration_s"):
        cohort_statistics(table.drop(columns=["duration_s"]), [feature("x")])
    with pytest.raises(CohortError, match="no features"):
        cohort_statistics(table, [])
    assert issubclass(CohortError, ValueError)


def test_constant_missing_and_separated_features_do_not_crash():
    rng = np.random.default_rng(5)
    n = 600
    won = rng.random(n) < 0.5
    only_won = np.where(won, rng.normal(0, 1, n), np.nan)
    data = {
        "conversation_id": [f"c{i}" for i in range(n)],
        "outcome": np.where(won, "won", "lost"),
        "rep": None,
        "duration_s": rng.gamma(4.0, 100.0, n),
        "language": "zh",
        "const_num": 3.0,
        "const_bool": True,
        "const_cat": "agenda",
        "nan_num": np.nan,
        "nan_bool": pd.Series([None] * n, dtype=object),
        "nan_cat": pd.Series([None] * n, dtype=object),
        "only_won": only_won,
        "separates": won,  # perfectly predicts the outcome
        "real_bool": np.where(rng.random(n) < 0.1, None, rng.random(n) < np.where(won, 0.6, 0.3)),
        "opening": np.where(rng.random(n) < np.where(won, 0.6, 0.3), "agenda", rng.choice(["chat", "pitch"], n)),
        "rare_levels": np.where(np.arange(n) < 3, "odd", rng.choice(["p", "q"], n)),
    }
    kinds = {
        "const_num": "number",
        "const_bool": "bool",
        "const_cat": "category",
        "nan_num": "number",
        "nan_bool": "bool",
        "nan_cat": "category",
        "only_won": "number",
        "separates": "bool",
        "real_bool": "bool",
        "opening": "category",
        "rare_levels": "category",
    }
    features = [feature(k, kind) for k, kind in kinds.items()]
    result = cohort_statistics(pd.DataFrame(data), features)
    untested = {"const_num", "const_bool", "const_cat", "nan_num", "nan_bool", "nan_cat", "only_won"}
    for key in untested:
        stat = result.feature(key)
        assert stat.p is None and stat.q is None and not stat.significant and stat.rank is None
        assert stat.note and "not tested" in stat.note and stat.note_zh, key
        assert key not in result.ranking
    assert "constant" in result.feature("const_num").note and "missing" in result.feature("nan_num").note
    assert "lost" in result.feature("only_won").note
    assert result.n_tested == len(kinds) - len(untested)

    sep = result.feature("separates")
    assert sep.significant and sep.or_ci_low > 1
    assert "Haldane" in sep.or_method  # a zero cell
    assert sep.adj_odds_ratio is None and "separation" in sep.adj_note

    real = result.feature("real_bool")
    assert real.n < n and "exact" in real.or_method and real.or_ci_low < real.odds_ratio < real.or_ci_high
    assert real.adj_odds_ratio is not None and real.significant

    opening = result.feature("opening")
    assert opening.test == "chi_square" and opening.significant and opening.effect_kind == "cramers_v"
    assert opening.levels[0].level == "agenda" and opening.levels[0].won_share > opening.levels[0].lost_share
    assert "(other)" in {lv.level for lv in result.feature("rare_levels").levels}

    assert result.reps == []  # every rep is None
    json.dumps(result.model_dump(mode="json"), allow_nan=False)


def test_archetypes_recover_planted_clusters():
    rng = np.random.default_rng(8)
    n = 1200
    cluster = rng.random(n) < 0.4  # 40% "consultative" calls, 60% "pitchers"
    won = rng.random(n) < np.where(cluster, 0.75, 0.25)
    data = {
        "conversation_id": [f"c{i}" for i in range(n)],
        "outcome": np.where(won, "won", "lost"),
        "rep": rng.choice(["a", "b"], n),
        "duration_s": rng.gamma(4.0, 100.0, n),
        "language": "zh",
    }
    features = []
    for i in range(6):  # planted: consultative calls ask more, listen more
        data[f"consult_{i}"] = rng.normal(0, 1, n) + 2.5 * cluster
        features.append(feature(f"consult_{i}"))
    for i in range(3):
        data[f"habit_{i}"] = rng.random(n) < np.where(cluster, 0.85, 0.1)
        features.append(feature(f"habit_{i}", "bool"))
    for i in range(6):
        data[f"noise_{i}"] = rng.normal(0, 1, n)
        features.append(feature(f"noise_{i}"))
    table = pd.DataFrame(data)
    result = cohort_statistics(table, features, seed=0)

    assert result.archetype_k == 2 and len(result.archetypes) == 2
    best, worst = result.archetypes  # sorted by win rate
    assert best.win_rate == pytest.approx(0.75, abs=0.06) and worst.win_rate == pytest.approx(0.25, abs=0.06)
    assert best.size == pytest.approx(cluster.sum(), rel=0.05)
    assert result.archetype_p < 0.001
    labels = np.array([result.archetype_by_conversation[c] for c in table["conversation_id"]])
    agreement = np.mean((labels == best.id) == cluster)
    assert agreement > 0.97
    for arch, sign in ((best, 1), (worst, -1)):
        assert 3 <= len(arch.traits) <= 5
        assert all(not t.key.startswith("noise") for t in arch.traits)
        assert all(np.sign(t.z) == sign for t in arch.traits)
        assert " / " in arch.name and CJK.search(arch.name_zh)
    assert best.traits[0].text_en.startswith(("high ", "often"))
    assert best.win_rate_ci_low < best.win_rate < best.win_rate_ci_high


def test_full_size_table_with_every_column_kind():
    rng = np.random.default_rng(3)
    n = 4000
    won = rng.random(n) < 0.45
    data = {
        "conversation_id": [f"c{i}" for i in range(n)],
        "outcome": np.where(won, "won", "lost"),
        "rep": rng.choice([f"rep{i}" for i in range(20)], n),
        "duration_s": rng.gamma(4.0, 150.0, n),
        "language": rng.choice(["zh", "en"], n),
    }
    features = []
    for i in range(60):
        x = rng.gamma(2.0, 5.0, n) + (1.5 * won if i < 5 else 0)
        x[rng.random(n) < 0.1] = np.nan
        data[f"num_{i}"] = x
        features.append(feature(f"num_{i}", unit="count"))
    for i in range(40):
        x = (rng.random(n) < np.where(won, 0.45, 0.3) if i < 5 else rng.random(n) < 0.3).astype(object)
        x[rng.random(n) < 0.1] = None
        data[f"bool_{i}"] = x
        features.append(feature(f"bool_{i}", "bool"))
    for i in range(10):
        data[f"cat_{i}"] = rng.choice(["a", "b", "c", None], n)
        features.append(feature(f"cat_{i}", "category"))
    table = pd.DataFrame(data)
    # Speed is bench/dna.py's business; here: a full-size table with every kind of column goes through.
    result = cohort_statistics(table, features)
    assert result.n_tested == 110 and len(result.reps) == 20 and result.archetypes
