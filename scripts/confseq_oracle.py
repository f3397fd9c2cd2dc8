#!/usr/bin/env python3
"""Oracle rows for the anytime bound (Statistics.betaBinomialMixtureUpper) from the `confseq` package.

    python3 scripts/confseq_oracle.py > Tests/ShadowKitTests/Fixtures/confseq-oracle.csv

confseq (Howard et al.) evaluates the beta-binomial mixture supermartingale for sub-Bernoulli increments,
`beta_binomial_log_mixture(s, v, v_opt, g, h, alpha_opt, is_one_sided)`. With g = p, h = 1 - p (a Bernoulli(p)
stream), s = S - t p and v = p (1 - p) t, and two-sided (the complete Beta integral), it is exactly

    ln M_t(p) = ln B(a + S, b + t - S) - ln B(a, b) - S ln p - (t - S) ln(1 - p),   a = r/(1-p), b = r/p,

with r = best_rho(v_opt, alpha_opt) - p (1 - p) and best_rho(v, alpha) = v / (2 ln(1/alpha) + ln(1 + 2 ln(1/alpha)))
(uniform_boundaries.h). So each row picks (t, S, p, r), sets v_opt to give that r, and records confseq's value.
Rows with r = 1 - p at p = target / (1 + target) are the gate's own mixing Beta(1, 1/target); there the
Swift test also checks that its bound excludes p exactly when confseq's martingale reaches 1/alpha.

Columns: t,S,p,r,alpha,confseq_log_m
"""
import math
import sys

from confseq.boundaries import beta_binomial_log_mixture

ALPHA_OPT = 0.05


def v_opt_for(r, p, alpha_opt=ALPHA_OPT):
    l = math.log(1 / alpha_opt)
    return (r + p * (1 - p)) * (2 * l + math.log(1 + 2 * l))


def log_m(t, s_count, p, r):
    s = s_count - t * p
    v = p * (1 - p) * t
    return float(beta_binomial_log_mixture(s=s, v=v, v_opt=v_opt_for(r, p), g=p, h=1 - p,
                                           alpha_opt=ALPHA_OPT, is_one_sided=False))


def rows():
    # General (a, b): several rates, mixing strengths and counts.
    for p in (0.0005, 0.001, 0.003, 0.01, 0.05, 0.2):
        for r in (0.01, 0.5, 2.0):
            for t, s in ((10, 0), (100, 1), (1000, 0), (1000, 3), (5000, 12), (30000, 40), (100000, 150)):
                yield t, s, p, r, 0.05
    # The gate's mixing Beta(1, 1/target) at p = target / (1 + target).
    for target in (0.001, 0.002, 0.005, 0.01):
        p = target / (1 + target)
        for t in (1000, 3000, 10000, 30000, 100000, 300000):
            for ratio in (0.0, 0.3, 0.5, 0.8, 1.0, 1.5):
                s = int(round(ratio * target * t))
                for alpha in (0.05, 0.01):
                    yield t, s, p, 1 - p, alpha


def main():
    out = sys.stdout
    out.write("t,S,p,r,alpha,confseq_log_m\n")
    for t, s, p, r, alpha in rows():
        out.write(f"{t},{s},{p!r},{r!r},{alpha!r},{log_m(t, s, p, r)!r}\n")


if __name__ == "__main__":
    main()
