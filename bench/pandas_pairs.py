#!/usr/bin/env python3
"""Baseline for bench/analysis_bench.cc: raw shared-value actor pairs with a pandas self-join.

Reads a CSV of (value, actor) observations, keeps distinct (value, actor) rows, joins the table
with itself on value and counts shared values per actor pair (a < b). This is what a
correlation table does (MISP's correlations): no time, no weights, no levels, no hypotheses;
only the raw pairs. Prints one line: rows, distinct rows, joined rows, pairs, seconds.
"""
import sys
import time

import pandas as pd


def main() -> int:
    path = sys.argv[1]
    start = time.perf_counter()
    df = pd.read_csv(path, header=None, names=["value", "actor"], dtype="int32", engine="c")
    rows = len(df)
    df = df.drop_duplicates()
    distinct = len(df)
    joined = df.merge(df, on="value", suffixes=("_a", "_b"))
    joined = joined[joined["actor_a"] < joined["actor_b"]]
    joined_rows = len(joined)
    pairs = joined.groupby(["actor_a", "actor_b"]).size()
    seconds = time.perf_counter() - start
    print(f"rows={rows} distinct={distinct} joined={joined_rows} pairs={len(pairs)} "
          f"seconds={seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
