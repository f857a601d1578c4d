"""stats.py - the few statistics the report and --compare share.

One place for each rule: the median and its confidence interval, the U test
verdict (met / missed / within noise) and the geometric mean.  Runs under
/usr/bin/python3 (Debian's, with scipy for the U test); without scipy the
verdicts say "no test" rather than guessing.
"""
import math
import statistics

ALPHA = 0.05

try:
    from scipy.stats import mannwhitneyu  # Debian python3-scipy
except ImportError:  # pragma: no cover - the report then says so
    mannwhitneyu = None


def median_ci(values, conf=0.95):
    """(median, low, high): the distribution-free interval of the median from
    order statistics (binomial), the widest that still covers `conf`.  With
    fewer than 6 values no such interval reaches 95%: low/high are the extremes."""
    xs = sorted(values)
    n = len(xs)
    if n == 0:
        return None, None, None
    med = statistics.median(xs)
    if n < 6:
        return med, xs[0], xs[-1]
    # Largest k with P(k <= B(n, 1/2) <= n-k-1) >= conf; interval [x(k), x(n-k-1)].
    best = 0
    for k in range(0, n // 2):
        cover = sum(math.comb(n, i) for i in range(k + 1, n - k)) / 2.0 ** n
        if cover >= conf:
            best = k + 1
        else:
            break
    k = max(best - 1, 0)
    return med, xs[k], xs[n - 1 - k]


def u_test(a, b):
    """Two-sided Mann-Whitney U p-value of samples a and b, or None when it
    cannot be computed (no scipy, or fewer than 3 values on a side)."""
    if mannwhitneyu is None or len(a) < 3 or len(b) < 3:
        return None
    if len(set(a) | set(b)) == 1:
        return 1.0
    return float(mannwhitneyu(a, b, alternative="two-sided").pvalue)


def verdict(better, worse_bound):
    """Is sample `better` below sample `worse_bound` (both: lower is better)?
    "met" when it is, beyond the noise (U test p < ALPHA); "missed" when it
    is above, beyond the noise; "within noise" when the test cannot tell;
    "no test" when there are too few values (e.g. --quick)."""
    p = u_test(better, worse_bound)
    if p is None:
        return "no test", None
    if p >= ALPHA:
        return "within noise", p
    return ("met" if statistics.median(better) < statistics.median(worse_bound) else "missed"), p


def geomean(values):
    vals = [v for v in values if v and v > 0]
    if not vals:
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))
