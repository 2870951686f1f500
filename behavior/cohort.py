"""Won-vs-lost cohort statistics: which rep behaviors separate won deals from lost ones ("sales behavior DNA").

`cohort_statistics(table, features)` takes one row per conversation (outcome "won"/"lost", call metadata and
one column per registered feature) and returns a `DnaResult`: per-feature tests with effect sizes, odds ratios
(plain and adjusted for call length) and Benjamini-Hochberg q values, the ranked separating behaviors,
behavior archetypes (k-means clusters) with their win rates, per-rep cards and plain-words headlines in
Chinese and English. Everything in the result is JSON-serialisable (`result.model_dump(mode="json")`).

Tests, by feature kind:
- number: Mann-Whitney U (two-sided); effect = rank-biserial correlation r = 2U/(n_won*n_lost) - 1,
  positive when won deals show more of it.
- bool: Fisher's exact test (two-sided); effect = won rate - lost rate; odds ratio of winning with vs
  without the behavior: conditional MLE with its exact (Fisher) 95% CI for cohorts of up to 1000
  conversations, the sample odds ratio with a Wald (Woolf) CI above that (the two agree closely there and
  the exact interval gets slow), and a Wald CI with the Haldane-Anscombe +0.5 correction when a cell of the
  2x2 table is 0. Each row says which in `or_method`. Also a logistic regression
  outcome ~ behavior + log(call length) (statsmodels) for an odds ratio adjusted for call length.
- category: chi-square test of independence (levels seen fewer than 5 times pooled as "(other)");
  effect = Cramer's V.
Constant and all-missing features are reported with a note and left out of the tests and of the FDR.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, Field

from behavior.features.registry import GROUPS, Feature

if TYPE_CHECKING:
    import pandas

ALPHA = 0.05
EXACT_CI_MAX_N = 1000  # above this the exact conditional CI costs ~0.1 s per feature; Wald agrees closely
MIN_LEVEL_COUNT = 5
MAX_SIMILARITY_FEATURES = 10
LOW_N_REP = 10
K_RANGE = range(2, 7)
SILHOUETTE_SAMPLE = 2000
REQUIRED_COLUMNS = ("conversation_id", "outcome", "duration_s")


class CohortError(ValueError):
    """The table cannot be compared (empty, one-sided, malformed); the message is one clear line."""


def _finite_or_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (float, np.floating, int, np.integer)) and not isinstance(value, bool):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


Num = Annotated[float | None, BeforeValidator(_finite_or_none)]


class Dist(BaseModel):
    """Distribution summary of a number feature within one cohort (for box plots)."""

    mean: Num = None
    p05: Num = None
    q1: Num = None
    median: Num = None
    q3: Num = None
    p95: Num = None


class LevelShare(BaseModel):
    """One level of a category feature: its share among won and among lost conversations."""

    level: str
    n: int
    won_share: Num = None
    lost_share: Num = None


class FeatureStat(BaseModel):
    key: str
    group: str
    group_en: str
    group_zh: str
    kind: Literal["number", "bool", "category"]
    unit: str
    en: str
    zh: str
    n: int = Field(description="conversations with a non-null value")
    n_won: int
    n_lost: int
    # numbers
    won_mean: Num = None
    lost_mean: Num = None
    won_median: Num = None
    lost_median: Num = None
    won_dist: Dist | None = None
    lost_dist: Dist | None = None
    # bools: share of won (lost) conversations showing the behavior
    won_rate: Num = None
    lost_rate: Num = None
    # categories
    levels: list[LevelShare] = Field(default_factory=list)
    # test
    test: Literal["mann_whitney_u", "fisher_exact", "chi_square"] | None = None
    p: Num = None
    q: Num = Field(default=None, description="Benjamini-Hochberg q across all tested features")
    significant: bool = False
    effect: Num = None
    effect_kind: Literal["rank_biserial", "rate_difference", "cramers_v"] | None = None
    direction: Literal["won", "lost"] | None = Field(default=None, description="which cohort shows more of it")
    # bools: odds of winning with vs without the behavior
    odds_ratio: Num = None
    or_ci_low: Num = None
    or_ci_high: Num = None
    or_method: str | None = None
    adj_odds_ratio: Num = Field(default=None, description="logistic regression outcome ~ behavior + log(call length)")
    adj_ci_low: Num = None
    adj_ci_high: Num = None
    adj_note: str | None = None
    note: str | None = Field(default=None, description="why the feature was not tested, when it was not")
    note_zh: str | None = None
    rank: int | None = Field(default=None, description="1-based position in DnaResult.ranking")


class Trait(BaseModel):
    """A distinctive feature of an archetype: its standardized centroid coordinate and raw values."""

    key: str
    kind: Literal["number", "bool"]
    en: str
    zh: str
    unit: str
    z: float
    cluster_value: Num = None  # mean (numbers) or rate (bools) inside the archetype
    overall_value: Num = None
    text_en: str
    text_zh: str


class Archetype(BaseModel):
    id: str
    name: str  # "高谈话占比，少见：报价前确认预算 / high talk ratio + rarely: confirms budget before price"
    name_zh: str
    name_en: str
    size: int
    share: float
    n_won: int
    win_rate: float
    win_rate_ci_low: Num = None  # Wilson 95 %
    win_rate_ci_high: Num = None
    traits: list[Trait]


class Gap(BaseModel):
    """Where a rep differs from the won-cohort profile in the losing direction."""

    key: str
    kind: Literal["number", "bool"]
    en: str
    zh: str
    unit: str
    rep_value: float
    won_value: float
    z: float  # gap in pooled standard deviations, > 0
    text_en: str
    text_zh: str


class RepCard(BaseModel):
    rep: str
    n: int
    n_won: int
    win_rate: float
    similarity: Num = Field(default=None, description="0..100: 100 * exp(-mean |z| distance to winners)")
    distance: Num = None
    gaps: list[Gap] = Field(default_factory=list)
    low_n: bool = Field(default=False, description=f"fewer than {LOW_N_REP} conversations: read with care")


class Headline(BaseModel):
    zh: str
    en: str
    key: str | None = None


class LanguageCount(BaseModel):
    language: str
    n_won: int
    n_lost: int


class DnaResult(BaseModel):
    n_won: int
    n_lost: int
    n_total: int
    win_rate: float
    excluded: dict[str, int] = Field(default_factory=dict)
    duration_median_won: Num = None  # seconds
    duration_median_lost: Num = None
    languages: list[LanguageCount] = Field(default_factory=list)
    alpha: float = ALPHA
    seed: int = 0
    n_features: int
    n_tested: int
    n_significant: int
    features: list[FeatureStat]
    top: list[str] = Field(description="significant features, ranked by q then |effect|")
    ranking: list[str] = Field(description="all tested features, ranked by q then |effect|")
    archetypes: list[Archetype] = Field(default_factory=list)
    archetype_k: int | None = None
    archetype_silhouette: Num = None
    archetype_p: Num = Field(default=None, description="chi-square: do win rates differ between archetypes")
    archetype_by_conversation: dict[str, str] = Field(default_factory=dict, description="conversation_id -> id")
    archetype_note: str | None = None
    archetype_note_zh: str | None = None
    reps: list[RepCard] = Field(default_factory=list)
    similarity_features: list[str] = Field(default_factory=list)
    reps_note: str | None = None
    reps_note_zh: str | None = None
    headlines: list[Headline]
    methods: list[str]

    def feature(self, key: str) -> FeatureStat:
        for stat in self.features:
            if stat.key == key:
                return stat
        raise KeyError(key)


# ----------------------------------------------------------------------------------------------------------
# formatting helpers (also used by the report)


def fmt_num(value: float | None, unit: str = "") -> str:
    """A value in its unit, for people: 3 significant-ish digits; ratios (0..1) as percentages."""
    if value is None or not math.isfinite(value):
        return "–"
    unit = unit.strip()
    if unit in ("ratio", "share", "fraction"):
        return f"{100 * value:.1f}%" if abs(value) < 0.1 and value != 0 else f"{100 * value:.0f}%"
    a = abs(value)
    if a >= 100:
        text = f"{value:,.0f}"
    elif a >= 10:
        text = f"{value:.1f}"
    elif a >= 1 or a == 0:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.3f}".rstrip("0").rstrip(".")
    if unit in ("", "count", "bool"):
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def fmt_p(value: float | None, name: str = "q") -> str:
    if value is None:
        return f"{name} –"
    if value < 0.001:
        return f"{name} < 0.001"
    return f"{name} = {value:.3f}" if value < 0.1 else f"{name} = {value:.2f}"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def short_en(feature: Feature | FeatureStat, limit: int = 60) -> str:
    text = feature.en.strip().rstrip(".")
    if " (" in text:
        text = text.split(" (")[0]
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_zh(feature: Feature | FeatureStat, limit: int = 28) -> str:
    text = feature.zh.strip().rstrip("。.")
    for sep in ("（", " ("):
        if sep in text:
            text = text.split(sep)[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ----------------------------------------------------------------------------------------------------------
# input


def _column_as_float(series: pandas.Series) -> np.ndarray:
    import pandas as pd

    try:
        values = pd.to_numeric(series, errors="coerce")
        values = values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        values = np.array([_to_float(v) for v in series], dtype=float)
    values[~np.isfinite(values)] = np.nan
    return values


def _to_float(value: Any) -> float:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return math.nan
    return result


def _column_as_category(series: pandas.Series) -> np.ndarray:
    return np.array([None if _is_missing(v) else str(v) for v in series.tolist()], dtype=object)


def _validate(table: pandas.DataFrame, features: Sequence[Feature], excluded: dict[str, int]) -> np.ndarray:
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise CohortError(f"expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise CohortError(f"the table lacks the column(s) {', '.join(missing)}")
    if not features:
        raise CohortError("no features to compare")
    keys = [f.key for f in features]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        raise CohortError(f"features listed twice: {', '.join(dupes)}")
    absent = [k for k in keys if k not in table.columns]
    if absent:
        shown = ", ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
        raise CohortError(f"the table has no column for feature(s) {shown}")
    for f in features:
        if f.kind not in ("number", "bool", "category"):
            raise CohortError(f"feature {f.key!r} has unknown kind {f.kind!r}")
    outcome = table["outcome"].astype(object).to_numpy()
    bad = [v for v in outcome if v not in ("won", "lost")]
    if bad:
        examples = ", ".join(repr(v) for v in list(dict.fromkeys(map(str, bad)))[:3])
        raise CohortError(
            f"outcome must be 'won' or 'lost' in every row; {len(bad)} row(s) have {examples} "
            "(exclude them and pass their counts as excluded=)"
        )
    won = outcome == "won"
    n_won, n_lost = int(won.sum()), int((~won).sum())
    excl = "; excluded: " + ", ".join(f"{k} {v}" for k, v in excluded.items()) if excluded else ""
    if n_won + n_lost == 0:
        raise CohortError(f"the cohort is empty: no conversations with a won or lost outcome{excl}")
    if n_lost == 0:
        raise CohortError(
            f"the cohort has only won deals ({n_won}); need both won and lost conversations to compare{excl}"
        )
    if n_won == 0:
        raise CohortError(
            f"the cohort has only lost deals ({n_lost}); need both won and lost conversations to compare{excl}"
        )
    return won


# ----------------------------------------------------------------------------------------------------------
# per-feature tests


def _base(f: Feature, n: int, n_won: int, n_lost: int) -> dict[str, Any]:
    en, zh = GROUPS.get(f.group, (f.group, f.group))
    return {
        "key": f.key,
        "group": f.group,
        "group_en": en,
        "group_zh": zh,
        "kind": f.kind,
        "unit": f.unit,
        "en": f.en,
        "zh": f.zh,
        "n": n,
        "n_won": n_won,
        "n_lost": n_lost,
    }


def _untestable_note(values_won: np.ndarray, values_lost: np.ndarray, shown: str | None) -> tuple[str, str] | None:
    """(English, Chinese) reason a feature cannot be tested, or None when it can."""
    if len(values_won) + len(values_lost) == 0:
        return "all values missing; not tested", "全部缺失，未检验"
    if len(values_won) == 0:
        return "no values among won deals; not tested", "赢单中没有取值，未检验"
    if len(values_lost) == 0:
        return "no values among lost deals; not tested", "丢单中没有取值，未检验"
    if shown is not None:
        return f"constant (every conversation has {shown}); not tested", f"取值恒定（均为 {shown}），未检验"
    return None


def _dist(x: np.ndarray) -> Dist | None:
    if len(x) == 0:
        return None
    p05, q1, med, q3, p95 = np.percentile(x, [5, 25, 50, 75, 95])
    return Dist(mean=float(x.mean()), p05=p05, q1=q1, median=med, q3=q3, p95=p95)


def _number_stat(f: Feature, x: np.ndarray, won: np.ndarray) -> FeatureStat:
    from scipy.stats import mannwhitneyu

    ok = ~np.isnan(x)
    xw, xl = x[ok & won], x[ok & ~won]
    stat = _base(f, int(ok.sum()), len(xw), len(xl))
    stat.update(
        won_mean=xw.mean() if len(xw) else None,
        lost_mean=xl.mean() if len(xl) else None,
        won_median=np.median(xw) if len(xw) else None,
        lost_median=np.median(xl) if len(xl) else None,
        won_dist=_dist(xw),
        lost_dist=_dist(xl),
    )
    vals = x[ok]
    constant = fmt_num(float(vals[0]), f.unit) if len(vals) and np.all(vals == vals[0]) else None
    note = _untestable_note(xw, xl, constant)
    if note:
        return FeatureStat(**stat, note=note[0], note_zh=note[1])
    u, p = mannwhitneyu(xw, xl, alternative="two-sided")
    r = 2.0 * float(u) / (len(xw) * len(xl)) - 1.0
    return FeatureStat(
        **stat,
        test="mann_whitney_u",
        p=float(p),
        effect=r,
        effect_kind="rank_biserial",
        direction="won" if r > 0 else "lost" if r < 0 else None,
    )


def _odds_ratio(a: int, b: int, c: int, d: int) -> tuple[float | None, float | None, float | None, str]:
    """OR of winning with vs without the behavior; a = won&b, b = lost&b, c = won&!b, d = lost&!b."""
    from scipy.stats import norm
    from scipy.stats.contingency import odds_ratio

    z = norm.ppf(0.975)
    if min(a, b, c, d) == 0:
        a2, b2, c2, d2 = a + 0.5, b + 0.5, c + 0.5, d + 0.5
        log_or = math.log(a2 * d2 / (b2 * c2))
        se = math.sqrt(1 / a2 + 1 / b2 + 1 / c2 + 1 / d2)
        return (
            math.exp(log_or),
            math.exp(log_or - z * se),
            math.exp(log_or + z * se),
            "Wald with Haldane-Anscombe correction (+0.5, a cell is 0)",
        )
    if a + b + c + d <= EXACT_CI_MAX_N:
        res = odds_ratio([[a, b], [c, d]], kind="conditional")
        ci = res.confidence_interval(0.95)
        return float(res.statistic), float(ci.low), float(ci.high), "conditional MLE, exact (Fisher) CI"
    log_or = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return (
        math.exp(log_or),
        math.exp(log_or - z * se),
        math.exp(log_or + z * se),
        "sample odds ratio, Wald (Woolf) CI",
    )


def _adjusted_or(xb: np.ndarray, y: np.ndarray, log_dur: np.ndarray) -> tuple[float | None, ...] | str:
    """Logistic regression won ~ behavior + log(call length): (OR, low, high) or the reason it cannot be fitted."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    ok = ~np.isnan(xb) & ~np.isnan(log_dur)
    xb, y, ld = xb[ok], y[ok], log_dur[ok]
    if len(y) < 10:
        return "too few conversations with call length"
    if np.all(ld == ld[0]):
        return "call length constant or missing; cannot adjust"
    cells = [np.sum((xb == i) & (y == j)) for i in (0, 1) for j in (0, 1)]
    if min(cells) == 0:
        return "not fitted: perfect separation (a cell of the 2x2 table is empty)"
    X = np.column_stack([np.ones_like(ld), xb, ld - ld.mean()])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.Logit(y, X).fit(disp=0, method="newton", maxiter=100)
        coef, se = float(res.params[1]), float(res.bse[1])
        converged = bool(res.mle_retvals.get("converged", True))
    except (PerfectSeparationError, np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
        return f"not fitted: {type(exc).__name__}"
    if not converged or not (math.isfinite(coef) and math.isfinite(se)) or abs(coef) > 15 or se > 10:
        return "not fitted: no stable maximum (separation)"
    z = 1.959963984540054
    return math.exp(coef), math.exp(coef - z * se), math.exp(coef + z * se)


def _bool_stat(f: Feature, x: np.ndarray, won: np.ndarray, log_dur: np.ndarray) -> FeatureStat:
    from scipy.stats import fisher_exact

    ok = ~np.isnan(x)
    x = np.where(ok, (x != 0).astype(float), np.nan)
    xw, xl = x[ok & won], x[ok & ~won]
    stat = _base(f, int(ok.sum()), len(xw), len(xl))
    rw = float(xw.mean()) if len(xw) else None
    rl = float(xl.mean()) if len(xl) else None
    stat.update(won_rate=rw, lost_rate=rl)
    vals = x[ok]
    constant = ("yes" if vals[0] else "no") if len(vals) and np.all(vals == vals[0]) else None
    note = _untestable_note(xw, xl, constant)
    if note:
        return FeatureStat(**stat, note=note[0], note_zh=note[1])
    a, c = int(xw.sum()), int(len(xw) - xw.sum())
    b, d = int(xl.sum()), int(len(xl) - xl.sum())
    _, p = fisher_exact([[a, b], [c, d]], alternative="two-sided")
    or_, lo, hi, method = _odds_ratio(a, b, c, d)
    adj = _adjusted_or(x, won.astype(float), log_dur)
    if isinstance(adj, str):
        adj_fields: dict[str, Any] = {"adj_note": adj}
    else:
        adj_fields = {
            "adj_odds_ratio": adj[0],
            "adj_ci_low": adj[1],
            "adj_ci_high": adj[2],
            "adj_note": "logistic regression: won ~ behavior + log(call length)",
        }
    effect = rw - rl
    return FeatureStat(
        **stat,
        test="fisher_exact",
        p=float(p),
        effect=effect,
        effect_kind="rate_difference",
        direction="won" if effect > 0 else "lost" if effect < 0 else None,
        odds_ratio=or_,
        or_ci_low=lo,
        or_ci_high=hi,
        or_method=method,
        **adj_fields,
    )


def _category_stat(f: Feature, x: np.ndarray, won: np.ndarray) -> FeatureStat:
    from scipy.stats import chi2_contingency

    ok = np.array([v is not None for v in x], dtype=bool)
    xv, wv = x[ok], won[ok]
    stat = _base(f, int(ok.sum()), int((ok & won).sum()), int((ok & ~won).sum()))
    levels, counts = np.unique(xv.astype(str), return_counts=True) if len(xv) else (np.array([]), np.array([]))
    labels = xv.astype(str) if len(xv) else xv
    rare = set(levels[counts < MIN_LEVEL_COUNT].tolist())
    if rare and len(rare) < len(levels):  # pool rare levels into one, unless every level is rare
        labels = np.array(["(other)" if v in rare else v for v in labels], dtype=object)
    uniq = sorted(set(labels.tolist()), key=lambda v: (-int(np.sum(labels == v)), v)) if len(labels) else []
    nw, nl = int(wv.sum()), int((~wv).sum())
    shares = [
        LevelShare(
            level=lv,
            n=int(np.sum(labels == lv)),
            won_share=np.sum((labels == lv) & wv) / nw if nw else None,
            lost_share=np.sum((labels == lv) & ~wv) / nl if nl else None,
        )
        for lv in uniq
    ]
    stat.update(levels=shares[:12])
    constant = repr(uniq[0]) if len(uniq) == 1 else None
    note = _untestable_note(labels[wv], labels[~wv], constant)
    if note:
        return FeatureStat(**stat, note=note[0], note_zh=note[1])
    table = np.array([[np.sum((labels == lv) & wv), np.sum((labels == lv) & ~wv)] for lv in uniq])
    chi2, p, _, _ = chi2_contingency(table, correction=False)
    v = math.sqrt(chi2 / (table.sum() * (min(table.shape) - 1)))
    return FeatureStat(**stat, test="chi_square", p=float(p), effect=v, effect_kind="cramers_v")


# ----------------------------------------------------------------------------------------------------------
# archetypes


def _trait(f: Feature, z: float, cluster_value: float, overall_value: float) -> Trait:
    high = z > 0
    if f.kind == "bool":
        en = f"{'often' if high else 'rarely'}: {short_en(f, 44)}"
        zh = f"{'常见' if high else '少见'}：{short_zh(f, 16)}"
    else:
        en = f"{'high' if high else 'low'} {short_en(f, 44)}"
        zh = f"{short_zh(f, 16)}{'偏高' if high else '偏低'}"
    return Trait(
        key=f.key,
        kind=f.kind,
        en=f.en,
        zh=f.zh,
        unit=f.unit,
        z=z,
        cluster_value=cluster_value,
        overall_value=overall_value,
        text_en=en,
        text_zh=zh,
    )


def _archetypes(
    matrix: np.ndarray, feats: list[Feature], won: np.ndarray, seed: int
) -> tuple[list[Archetype], int | None, float | None, float | None, tuple[str, str] | None, list[str]]:
    from scipy.stats import chi2_contingency
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler
    from statsmodels.stats.proportion import proportion_confint

    n = matrix.shape[0]
    if not feats:
        note = ("no number or yes/no features vary; no archetypes", "没有可变的数值或是/否特征，无法分型")
        return [], None, None, None, note, []
    if n < 20:
        note = (f"too few conversations ({n}) to look for archetypes", f"对话太少（{n} 个），无法分型")
        return [], None, None, None, note, []
    imputed = SimpleImputer(strategy="median").fit_transform(matrix)
    Z = StandardScaler().fit_transform(imputed)
    best: tuple[float, int, np.ndarray, np.ndarray] | None = None
    for k in K_RANGE:
        if k >= n:
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # fewer distinct points than k
            km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(Z)
        if len(set(km.labels_.tolist())) < k:
            continue
        score = float(silhouette_score(Z, km.labels_, sample_size=min(n, SILHOUETTE_SAMPLE), random_state=seed))
        if best is None or score > best[0] + 1e-9:
            best = (score, k, km.labels_, km.cluster_centers_)
    if best is None:
        note = ("the conversations do not fall into distinct groups", "对话没有形成可区分的类型")
        return [], None, None, None, note, []
    score, k, labels, centers = best
    overall = np.nanmean(matrix, axis=0)
    result = []
    for c in range(k):
        members = labels == c
        size, n_won = int(members.sum()), int(won[members].sum())
        order = np.argsort(-np.abs(centers[c]))
        picked = [j for j in order[:5] if abs(centers[c][j]) >= 0.25] or list(order[:3])
        if len(picked) < 3:
            picked = list(order[: min(3, len(order))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cluster_means = np.nanmean(matrix[members], axis=0)
        traits = [_trait(feats[j], float(centers[c][j]), cluster_means[j], overall[j]) for j in picked]
        lo, hi = proportion_confint(n_won, size, alpha=0.05, method="wilson")
        name_zh = "，".join(t.text_zh for t in traits[:2])
        name_en = " + ".join(t.text_en for t in traits[:2])
        result.append(
            {
                "cluster": c,
                "size": size,
                "share": size / n,
                "n_won": n_won,
                "win_rate": n_won / size,
                "win_rate_ci_low": lo,
                "win_rate_ci_high": hi,
                "traits": traits,
                "name_zh": name_zh,
                "name_en": name_en,
            }
        )
    result.sort(key=lambda a: (-a["win_rate"], -a["size"]))
    ids = {a.pop("cluster"): chr(ord("A") + i) for i, a in enumerate(result)}
    archetypes = [
        Archetype(id=chr(ord("A") + i), name=f"{a['name_zh']} / {a['name_en']}", **a) for i, a in enumerate(result)
    ]
    assigned = [ids[int(c)] for c in labels]
    table = np.array([[a.n_won, a.size - a.n_won] for a in archetypes])
    p = None
    if (table.sum(axis=0) > 0).all():
        p = float(chi2_contingency(table, correction=False)[1])
    note = None
    if score < 0.1:
        note = (
            (
                f"weak grouping (silhouette {score:.2f}): the archetypes overlap a lot; read them as tendencies, "
                "not types"
            ),
            f"分组较弱（轮廓系数 {score:.2f}）：各类型重叠较多，请视为倾向而非固定类型",
        )
    return archetypes, k, score, p, note, assigned


# ----------------------------------------------------------------------------------------------------------
# reps


def _gap_text(f: Feature, rep_value: float, won_value: float) -> tuple[str, str]:
    more = rep_value > won_value
    if f.kind == "bool":
        rv, wv = fmt_pct(rep_value), fmt_pct(won_value)
        en = f"{'more' if more else 'less'} often than winners: {short_en(f)} ({rv} vs {wv})"
        zh = f"{short_zh(f)}：{'多于' if more else '少于'}赢单（{rv} vs {wv}）"
    else:
        rv, wv = fmt_num(rep_value, f.unit), fmt_num(won_value, f.unit)
        en = f"{'higher' if more else 'lower'} than winners on {short_en(f)}: {rv} vs {wv}"
        zh = f"{short_zh(f)}{'高于' if more else '低于'}赢单：{rv} vs {wv}"
    return en, zh


def _reps(
    table: pandas.DataFrame, won: np.ndarray, profile: list[tuple[Feature, FeatureStat, np.ndarray]]
) -> list[RepCard]:
    if "rep" not in table.columns:
        return []
    reps = np.array([None if _is_missing(v) else str(v) for v in table["rep"].tolist()], dtype=object)
    names = sorted({r for r in reps if r is not None})
    # won-cohort profile: median (numbers) or rate (bools) among won deals; pooled SD over everyone
    ref = []
    for f, stat, x in profile:
        xw = x[won & ~np.isnan(x)]
        sd = float(np.nanstd(x))
        won_value = float(np.mean(xw)) if f.kind == "bool" else float(np.median(xw))
        ref.append((f, stat, x, won_value, sd if sd > 0 else None))
    cards = []
    for name in names:
        rows = reps == name
        n, n_won = int(rows.sum()), int(won[rows].sum())
        dists, gaps = [], []
        for f, stat, x, won_value, sd in ref:
            xr = x[rows & ~np.isnan(x)]
            if len(xr) == 0 or sd is None:
                continue
            rep_value = float(np.mean(xr)) if f.kind == "bool" else float(np.median(xr))
            dists.append(abs(rep_value - won_value) / sd)
            # a gap is a difference in the losing direction
            signed = (won_value - rep_value) if stat.direction == "won" else (rep_value - won_value)
            if signed / sd > 0.05:
                en, zh = _gap_text(f, rep_value, won_value)
                gaps.append(
                    Gap(
                        key=f.key,
                        kind=f.kind,
                        en=f.en,
                        zh=f.zh,
                        unit=f.unit,
                        rep_value=rep_value,
                        won_value=won_value,
                        z=signed / sd,
                        text_en=en,
                        text_zh=zh,
                    )
                )
        distance = float(np.mean(dists)) if dists else None
        gaps.sort(key=lambda g: -g.z)
        cards.append(
            RepCard(
                rep=name,
                n=n,
                n_won=n_won,
                win_rate=n_won / n,
                distance=distance,
                similarity=None if distance is None else 100.0 * math.exp(-distance),
                gaps=gaps[:3],
                low_n=n < LOW_N_REP,
            )
        )
    cards.sort(key=lambda c: (-(c.similarity if c.similarity is not None else -1), c.rep))
    return cards


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover
        return False


# ----------------------------------------------------------------------------------------------------------
# headlines


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _feature_headline(s: FeatureStat) -> Headline:
    q = fmt_p(s.q)
    name_en, name_zh = _sentence(short_en(s, 90)), short_zh(s, 40)
    if s.kind == "bool":
        ci_en = ci_zh = adj_en = adj_zh = ""
        if s.or_ci_low is not None and s.or_ci_high is not None:
            interval = f"95% CI {fmt_ratio(s.or_ci_low)}-{fmt_ratio(s.or_ci_high)}"
            ci_en, ci_zh = f" ({interval})", f"（{interval}）"
        if s.adj_odds_ratio is not None:
            adj_en = f"; {fmt_ratio(s.adj_odds_ratio)} after adjusting for call length"
            adj_zh = f"；校正通话时长后 {fmt_ratio(s.adj_odds_ratio)}"
        en = (
            f"{name_en}: won deals {fmt_pct(s.won_rate)} vs lost {fmt_pct(s.lost_rate)}, "
            f"odds ratio {fmt_ratio(s.odds_ratio)}{ci_en}{adj_en}, {q}"
        )
        zh = (
            f"{name_zh}：赢单 {fmt_pct(s.won_rate)}，丢单 {fmt_pct(s.lost_rate)}，"
            f"优势比 {fmt_ratio(s.odds_ratio)}{ci_zh}{adj_zh}，{q}"
        )
    elif s.kind == "number":
        more = s.direction == "won"
        won, lost = fmt_num(s.won_median, s.unit), fmt_num(s.lost_median, s.unit)
        en = (
            f"{name_en}: {'higher' if more else 'lower'} in won deals, median {won} vs {lost} in lost "
            f"(rank-biserial r = {s.effect:+.2f}), {q}"
        )
        zh = (
            f"{name_zh}：赢单{'更高' if more else '更低'}，中位数 {won}，丢单 {lost}（效应量 r = {s.effect:+.2f}），{q}"
        )
    else:
        top = max(s.levels, key=lambda lv: (lv.won_share or 0) - (lv.lost_share or 0)) if s.levels else None
        lv_en = lv_zh = ""
        if top is not None:
            lv_en = f"; “{top.level}” in {fmt_pct(top.won_share)} of won vs {fmt_pct(top.lost_share)} of lost"
            lv_zh = f"；“{top.level}”在赢单中占 {fmt_pct(top.won_share)}，丢单 {fmt_pct(top.lost_share)}"
        en = f"{name_en} differs between won and lost deals{lv_en}, {q}"
        zh = f"{name_zh}在赢单与丢单间分布不同{lv_zh}，{q}"
    return Headline(zh=zh, en=en, key=s.key)


def _headlines(
    result: dict[str, Any], stats: dict[str, FeatureStat], top: list[str], ranking: list[str]
) -> list[Headline]:
    n_won, n_lost = result["n_won"], result["n_lost"]
    n_tested, n_sig = result["n_tested"], len(top)
    lines = [
        Headline(
            zh=f"比较了 {n_won} 个赢单与 {n_lost} 个丢单对话：{n_tested} 项行为中有 {n_sig} 项显著区分赢单与丢单"
            f"（错误发现率 q < {ALPHA}）。",
            en=f"Compared {n_won} won and {n_lost} lost conversations: {n_sig} of {n_tested} behaviors separate won "
            f"from lost deals (false discovery rate q < {ALPHA}).",
        )
    ]
    for key in top[:4]:
        lines.append(_feature_headline(stats[key]))
    if not top and ranking:
        s = stats[ranking[0]]
        lines.append(
            Headline(
                zh=f"没有行为达到显著水平；差异最大的是“{short_zh(s, 40)}”（{fmt_p(s.q)}），可能只是随机波动。",
                en=f"No behavior reaches significance; the largest difference, “{short_en(s, 90)}” ({fmt_p(s.q)}), "
                "may be chance.",
                key=s.key,
            )
        )
    arch: list[Archetype] = result["archetypes"]
    if len(arch) >= 2 and len(lines) < 6:
        best, worst = arch[0], arch[-1]
        if result["archetype_p"] is not None and result["archetype_p"] < ALPHA:
            lines.append(
                Headline(
                    zh=f"行为类型“{best.name_zh}”赢单率 {fmt_pct(best.win_rate)}，而“{worst.name_zh}”仅 "
                    f"{fmt_pct(worst.win_rate)}（{fmt_p(result['archetype_p'], 'p')}）。",
                    en=f"Archetype “{best.name_en}” wins {fmt_pct(best.win_rate)} of deals, “{worst.name_en}” only "
                    f"{fmt_pct(worst.win_rate)} ({fmt_p(result['archetype_p'], 'p')}).",
                )
            )
        else:
            lines.append(
                Headline(
                    zh=f"{len(arch)} 种行为类型的赢单率相近（{fmt_pct(worst.win_rate)} 至 {fmt_pct(best.win_rate)}，"
                    "差异不显著）。",
                    en=f"The {len(arch)} behavior archetypes win at similar rates ({fmt_pct(worst.win_rate)} to "
                    f"{fmt_pct(best.win_rate)}; not significant).",
                )
            )
    dw, dl = result["duration_median_won"], result["duration_median_lost"]
    if len(lines) < 3 and dw is not None and dl is not None:
        lines.append(
            Headline(
                zh=f"通话时长中位数：赢单 {dw / 60:.1f} 分钟，丢单 {dl / 60:.1f} 分钟。",
                en=f"Median call length: won deals {dw / 60:.1f} min, lost deals {dl / 60:.1f} min.",
            )
        )
    return lines[:6]


METHODS = [
    "Numbers: Mann-Whitney U test (two-sided); effect = rank-biserial correlation (positive: more in won deals).",
    (
        "Yes/no behaviors: Fisher's exact test; effect = won rate minus lost rate; odds ratio of winning with vs "
        f"without the behavior: conditional MLE with exact CI up to {EXACT_CI_MAX_N} conversations, sample odds ratio "
        "with Wald (Woolf) CI above, Wald with Haldane-Anscombe +0.5 correction when a cell is 0."
    ),
    (
        "Adjusted odds ratio: logistic regression won ~ behavior + log(call length) (statsmodels), 95% Wald CI; "
        "left empty when it cannot be fitted (e.g. perfect separation)."
    ),
    f"Categories: chi-square test of independence (levels seen < {MIN_LEVEL_COUNT} times pooled); effect = Cramér's V.",
    (
        f"Multiple testing: Benjamini-Hochberg q across all tested features; significant = q < {ALPHA}. "
        "Constant or all-missing features are not tested."
    ),
    (
        "Archetypes: number and yes/no features, median-imputed and standardized, k-means with k in 2..6 chosen by "
        "silhouette; traits = largest |centroid z|; win-rate CIs are Wilson 95%."
    ),
    (
        "Rep similarity: mean |z| distance (pooled SD) of the rep's medians (rates for yes/no) from the won-cohort "
        f"medians over up to {MAX_SIMILARITY_FEATURES} top significant behaviors; score = 100 × exp(−distance)."
    ),
]


# ----------------------------------------------------------------------------------------------------------


def cohort_statistics(
    table: pandas.DataFrame,
    features: Sequence[Feature],
    *,
    excluded: dict[str, int] | None = None,
    seed: int = 0,
) -> DnaResult:
    """Compare won and lost conversations feature by feature; see the module docstring for the methods."""
    from statsmodels.stats.multitest import multipletests

    excluded = {str(k): int(v) for k, v in (excluded or {}).items()}
    features = list(features)
    won = _validate(table, features, excluded)
    n_won, n_lost = int(won.sum()), int((~won).sum())

    duration = _column_as_float(table["duration_s"])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_dur = np.log(np.clip(duration, 1.0, None))

    stats: dict[str, FeatureStat] = {}
    numeric: dict[str, np.ndarray] = {}
    for f in features:
        column = table[f.key]
        if f.kind == "category":
            stats[f.key] = _category_stat(f, _column_as_category(column), won)
            continue
        x = _column_as_float(column)
        if f.kind == "bool":
            x = np.where(np.isnan(x), np.nan, (x != 0).astype(float))
            stats[f.key] = _bool_stat(f, x, won, log_dur)
        else:
            stats[f.key] = _number_stat(f, x, won)
        numeric[f.key] = x

    tested = [k for k, s in stats.items() if s.p is not None]
    if tested:
        pvals = np.array([stats[k].p for k in tested])
        qvals = multipletests(pvals, alpha=ALPHA, method="fdr_bh")[1]
        for k, q in zip(tested, qvals):
            stats[k].q = float(q)
            stats[k].significant = bool(q < ALPHA)
    ranking = sorted(tested, key=lambda k: (stats[k].q, -abs(stats[k].effect or 0.0), k))
    for i, k in enumerate(ranking, start=1):
        stats[k].rank = i
    top = [k for k in ranking if stats[k].significant]

    by_key = {f.key: f for f in features}
    cluster_feats = [by_key[k] for k in numeric if stats[k].note is None]
    matrix = np.column_stack([numeric[f.key] for f in cluster_feats]) if cluster_feats else np.empty((len(won), 0))
    archetypes, k, silhouette, arch_p, arch_note, assigned = _archetypes(matrix, cluster_feats, won, seed)
    conversation_ids = [str(v) for v in table["conversation_id"].tolist()]
    by_conversation = dict(zip(conversation_ids, assigned)) if assigned else {}

    profile_keys = [k for k in top if stats[k].kind in ("number", "bool")][:MAX_SIMILARITY_FEATURES]
    profile = [(by_key[k], stats[k], numeric[k]) for k in profile_keys]
    reps = _reps(table, won, profile)
    reps_note: tuple[str, str] | None = None
    if "rep" not in table.columns:
        reps_note = ("the table has no rep column", "数据中没有销售（rep）列")
    elif not profile:
        reps_note = (
            "no significant behaviors: rep similarity to winners cannot be scored",
            "没有显著行为，无法计算销售与赢单的相似度",
        )

    languages: list[LanguageCount] = []
    if "language" in table.columns:
        langs = np.array(["unknown" if _is_missing(v) else str(v) for v in table["language"].tolist()], dtype=object)
        for lang in sorted(set(langs.tolist()), key=lambda v: -int(np.sum(langs == v))):
            rows = langs == lang
            languages.append(
                LanguageCount(language=lang, n_won=int((rows & won).sum()), n_lost=int((rows & ~won).sum()))
            )

    dw, dl = duration[won & ~np.isnan(duration)], duration[~won & ~np.isnan(duration)]
    partial: dict[str, Any] = {
        "n_won": n_won,
        "n_lost": n_lost,
        "n_total": n_won + n_lost,
        "win_rate": n_won / (n_won + n_lost),
        "excluded": excluded,
        "duration_median_won": float(np.median(dw)) if len(dw) else None,
        "duration_median_lost": float(np.median(dl)) if len(dl) else None,
        "languages": languages,
        "seed": seed,
        "n_features": len(features),
        "n_tested": len(tested),
        "n_significant": len(top),
        "features": [stats[f.key] for f in features],
        "top": top,
        "ranking": ranking,
        "archetypes": archetypes,
        "archetype_k": k,
        "archetype_silhouette": silhouette,
        "archetype_p": arch_p,
        "archetype_by_conversation": by_conversation,
        "archetype_note": arch_note and arch_note[0],
        "archetype_note_zh": arch_note and arch_note[1],
        "reps": reps,
        "similarity_features": profile_keys,
        "reps_note": reps_note and reps_note[0],
        "reps_note_zh": reps_note and reps_note[1],
        "methods": METHODS,
    }
    partial["headlines"] = _headlines(partial, stats, top, ranking)
    return DnaResult(**partial)
