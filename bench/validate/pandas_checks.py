# The pandas side of the validation benchmark: the same checks as Orchard's suite, written with
# pandas/numpy (scipy for the KS test when it is installed), on a CSV copy of the same data (the
# system pandas has no pyarrow, so it cannot read the Parquet file). Load and checks are timed
# separately; importing pandas is not timed. Prints one line `BENCH_RESULT <json>`.
#
#   python3 pandas_checks.py DATA_CSV REFERENCE_CSV CHECKS_JSON READ_OPTIONS_JSON
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

try:
    from scipy import stats
except ImportError:  # the KS p-value then comes from the asymptotic formula below
    stats = None

data_path, reference_path, checks_json, options_json = sys.argv[1:5]
checks = json.loads(checks_json)
options = json.loads(options_json)


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read(path, usecols=None):
    categories = [c for c in options["categorical"] if usecols is None or c in usecols]
    dates = [c for c in options["dates"] if usecols is None or c in usecols]
    return pd.read_csv(
        path, usecols=usecols, dtype={c: "category" for c in categories}, parse_dates=dates
    )


started = time.perf_counter()
df = read(data_path)
load_data_seconds = time.perf_counter() - started
drift_columns = sorted({c["column"] for c in checks if c["kind"] == "distribution"})
started = time.perf_counter()
reference = read(reference_path, usecols=drift_columns) if drift_columns else None
load_reference_seconds = time.perf_counter() - started
rss_after_load_mb = peak_rss_mb()

TYPE_TESTS = {
    "integer": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "boolean": pd.api.types.is_bool_dtype,
    "date": pd.api.types.is_datetime64_any_dtype,
    "timestamp": pd.api.types.is_datetime64_any_dtype,
    "categorical": lambda d: isinstance(d, pd.CategoricalDtype) or d == object,
    "text": lambda d: d == object,
}


def bound(series, value):
    return pd.Timestamp(value) if pd.api.types.is_datetime64_any_dtype(series.dtype) else value


def ks_pvalue(a, b):
    if stats is not None:
        return float(stats.ks_2samp(a, b).pvalue)
    a, b = np.sort(a), np.sort(b)
    both = np.concatenate([a, b])
    d = np.max(np.abs(np.searchsorted(a, both, "right") / len(a) - np.searchsorted(b, both, "right") / len(b)))
    n = len(a) * len(b) / (len(a) + len(b))
    lam = (np.sqrt(n) + 0.12 + 0.11 / np.sqrt(n)) * d
    k = np.arange(1, 101)
    return float(min(1.0, max(0.0, 2 * np.sum((-1) ** (k - 1) * np.exp(-2 * k * k * lam * lam)))))


def psi(current, ref):
    if pd.api.types.is_numeric_dtype(current.dtype):
        edges = np.unique(np.quantile(ref, np.linspace(0, 1, 11)))
        edges[0], edges[-1] = -np.inf, np.inf
        cur_share = pd.cut(current, edges).value_counts(normalize=True, sort=False)
        ref_share = pd.cut(ref, edges).value_counts(normalize=True, sort=False)
    else:
        cur_share = current.value_counts(normalize=True)
        ref_share = ref.value_counts(normalize=True)
    cur_share, ref_share = cur_share.align(ref_share, fill_value=0)
    cur_share, ref_share = cur_share.clip(lower=1e-6), ref_share.clip(lower=1e-6)
    return float(((cur_share - ref_share) * np.log(cur_share / ref_share)).sum())


def run_check(c):
    """(passed, failing rows, observed) for one check."""
    kind = c["kind"]
    if kind == "columns_present":
        missing = [name for name in c["columns"] if name not in df.columns]
        return not missing, 0, f"missing {missing}" if missing else "all present"
    if kind == "column_type":
        dtype = df[c["column"]].dtype
        return bool(TYPE_TESTS[c["type"]](dtype)), 0, str(dtype)
    if kind == "row_count":
        n = len(df)
        return c.get("min", 0) <= n <= c.get("max", n), 0, f"{n} rows"
    if kind == "completeness":
        missing = int(df[c["column"]].isna().sum())
        share = missing / len(df)
        return share <= c["maxMissingShare"], missing, f"{share:.2%} missing"
    if kind == "range":
        s = df[c["column"]]
        bad = np.zeros(len(s), dtype=bool)
        if c.get("min") is not None:
            bad |= (s < bound(s, c["min"])).to_numpy()
        if c.get("max") is not None:
            bad |= (s > bound(s, c["max"])).to_numpy()
        failing = int(bad.sum())
        return failing == 0, failing, f"{failing} out of range"
    if kind == "allowed_values":
        s = df[c["column"]]
        failing = int((s.notna() & ~s.isin(c["values"])).sum())
        return failing == 0, failing, f"{failing} not allowed"
    if kind == "pattern":
        s = df[c["column"]]
        failing = int((~s.str.contains(c["regex"], regex=True, na=True)).sum())
        return failing == 0, failing, f"{failing} not matching"
    if kind == "unique":
        failing = int(df.duplicated(subset=c["columns"], keep=False).sum())
        return failing == 0, failing, f"{failing} rows share a key"
    if kind == "no_duplicate_rows":
        failing = int(df.duplicated(keep=False).sum())
        return failing == 0, failing, f"{failing} duplicated rows"
    if kind == "class_balance":
        shares = df[c["column"]].value_counts(normalize=True)
        ok = shares.min() >= c.get("minShare", 0) and shares.max() <= c.get("maxShare", 1)
        return bool(ok), 0, f"shares {shares.min():.3f}..{shares.max():.3f}"
    if kind == "label_coverage":
        s = df[c["column"]]
        share = float(s.notna().mean())
        return share >= c["minShare"], int(s.isna().sum()), f"{share:.2%} labelled"
    if kind == "distribution":
        current, ref = df[c["column"]].dropna(), reference[c["column"]].dropna()
        if c["test"] == "ks":
            p = ks_pvalue(current.to_numpy(), ref.to_numpy())
            return p >= c["threshold"], 0, f"p = {p:.4g}"
        if c["test"] == "chi2":
            table = pd.concat([current.value_counts(), ref.value_counts()], axis=1).fillna(0)
            p = float(stats.chi2_contingency(table.to_numpy())[1])
            return p >= c["threshold"], 0, f"p = {p:.4g}"
        value = psi(current, ref)
        return value <= c["threshold"], 0, f"PSI = {value:.4g}"
    raise ValueError(f"unknown check kind {kind}")


results = []
started = time.perf_counter()
for check in checks:
    check_started = time.perf_counter()
    passed, failing, observed = run_check(check)
    results.append(
        {
            "checkId": check["id"],
            "passed": bool(passed),
            "failingRows": failing,
            "observed": observed,
            "seconds": time.perf_counter() - check_started,
        }
    )
checks_seconds = time.perf_counter() - started

print(
    "BENCH_RESULT "
    + json.dumps(
        {
            "loadDataSeconds": load_data_seconds,
            "loadReferenceSeconds": load_reference_seconds,
            "checksSeconds": checks_seconds,
            "rows": int(len(df)),
            "columns": int(len(df.columns)),
            "rssAfterLoadMb": rss_after_load_mb,
            "peakRssMb": peak_rss_mb(),
            "scipy": stats is not None,
            "results": results,
        }
    )
)
