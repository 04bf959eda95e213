#!/usr/bin/env python3
"""The clustered room's round trip, hop by hop, over one run: the differences of the brokers'
ringchat_cluster_round_trip_seconds histograms between two scrapes of each broker's /metrics.

    bench/round-trip.py BEFORE-0 AFTER-0 [BEFORE-1 AFTER-1 ...]

Prints a Markdown table: for each hop, the round trips traced (all brokers together), the mean (the
means of the hops after the offer add up to the round trip's), and the p50 and p99 read from the
buckets (interpolated within a bucket; each bucket is 1.5 times the one before). Used by
bench/cluster.sh; the hops are documented in docs/CLUSTER.md.
"""
import math
import re
import sys

HOPS = ["offer", "to_leader", "commit", "room", "egress", "round_trip"]
LINE = re.compile(r'^ringchat_cluster_round_trip_seconds_(bucket|sum|count)\{(.*)\} (\S+)$')


def scrape(path):
    """{hop: {"sum": s, "count": n, "buckets": {le: cumulative}}} from one /metrics text."""
    hops = {}
    for line in open(path, encoding="utf-8"):
        m = LINE.match(line.strip())
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        hop = hops.setdefault(labels["hop"], {"sum": 0.0, "count": 0.0, "buckets": {}})
        value = float(m.group(3))
        if m.group(1) == "bucket":
            hop["buckets"][float(labels["le"])] = value
        else:
            hop[m.group(1)] = value
    return hops


def quantile(q, buckets):
    """histogram_quantile: the q-th quantile of cumulative buckets, interpolated in its bucket."""
    bounds = sorted(buckets)
    total = buckets[bounds[-1]]
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for le in bounds:
        if buckets[le] >= rank:
            if math.isinf(le):
                return lower
            inside = buckets[le] - below
            return lower + (le - lower) * ((rank - below) / inside if inside else 1)
        lower, below = le, buckets[le]
    return lower


def main(paths):
    if len(paths) % 2:
        sys.exit("give pairs of scrapes: before and after, for each broker")
    total = {h: {"sum": 0.0, "count": 0.0, "buckets": {}} for h in HOPS}
    for before_path, after_path in zip(paths[::2], paths[1::2]):
        before, after = scrape(before_path), scrape(after_path)
        for h in HOPS:
            a = after.get(h)
            if a is None:
                continue
            b = before.get(h, {"sum": 0.0, "count": 0.0, "buckets": {}})
            total[h]["sum"] += a["sum"] - b["sum"]
            total[h]["count"] += a["count"] - b["count"]
            for le, n in a["buckets"].items():
                total[h]["buckets"][le] = total[h]["buckets"].get(le, 0) + n - b["buckets"].get(le, 0)
    ms = lambda s: "-" if s is None else f"{s * 1000:.3f}"
    print("| hop | traced | mean ms | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for h in HOPS:
        t = total[h]
        n = int(t["count"])
        mean = t["sum"] / n if n else None
        p50 = quantile(0.5, t["buckets"]) if n else None
        p99 = quantile(0.99, t["buckets"]) if n else None
        print(f"| {h} | {n:,} | {ms(mean)} | {ms(p50)} | {ms(p99)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
