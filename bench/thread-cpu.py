#!/usr/bin/env python3
"""CPU of each thread of a process over an interval, from /proc/PID/task/*/stat.

usage: bench/thread-cpu.py PID [SECONDS]   (default 10)
Prints one line per thread name (threads of the same name summed), in % of one core, busiest
first, then the process total. Threads that used nothing are left out.
"""
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def sample(pid):
    per = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        per[(tid, name)] = int(fields[11]) + int(fields[12])  # utime + stime, in ticks
    return per


def main():
    pid = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    before, t0 = sample(pid), time.monotonic()
    time.sleep(seconds)
    after, t1 = sample(pid), time.monotonic()
    by_name = {}
    for key, ticks in after.items():
        by_name[key[1]] = by_name.get(key[1], 0) + ticks - before.get(key, 0)
    wall = t1 - t0
    total = 0.0
    for name, ticks in sorted(by_name.items(), key=lambda kv: -kv[1]):
        pct = 100.0 * ticks / TICK / wall
        total += pct
        if ticks:
            print(f"{name:24s} {pct:6.2f}%")
    print(f"{'total':24s} {total:6.2f}% of one core over {wall:.1f} s")


main()
