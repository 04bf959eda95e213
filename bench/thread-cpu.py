#!/usr/bin/env python3
"""CPU of each thread of one or more processes over an interval, and how often each was switched in.

usage: bench/thread-cpu.py PID[,PID...] [SECONDS]   (default 10)
Prints one line per thread name (threads of the same name summed, over all the processes given),
in % of one core, busiest first, with its context switches a second (about its wake-ups), then the
total, and how busy the whole machine was meanwhile (all its cores, from /proc/stat: whether the
processes had the CPU to themselves). Read from /proc/PID/task/*/schedstat (nanoseconds; /proc's
stat counts 10-ms ticks, too coarse for threads that each use a fraction of a per cent). Threads
that used nothing are left out.
"""
import os
import sys
import time


def sample(pid):
    per = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run_ns, _wait_ns, switches = (int(x) for x in f.read().split()[:3])
        except OSError:
            continue  # the thread ended
        per[(pid, tid, name)] = (run_ns, switches)
    return per


def samples(pids):
    per = {}
    for pid in pids:
        per.update(sample(pid))
    return per


def machine():
    """(busy, all) clock ticks of every core since boot, from /proc/stat's first line."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def main():
    pids = [int(p) for p in sys.argv[1].split(",")]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    before, m0, t0 = samples(pids), machine(), time.monotonic()
    time.sleep(seconds)
    after, m1, t1 = samples(pids), machine(), time.monotonic()
    by_name = {}
    for key, (run_ns, switches) in after.items():
        run0, switches0 = before.get(key, (0, 0))
        name = key[2]
        ns, sw = by_name.get(name, (0, 0))
        by_name[name] = (ns + run_ns - run0, sw + switches - switches0)
    wall = t1 - t0
    total = 0.0
    for name, (ns, sw) in sorted(by_name.items(), key=lambda kv: -kv[1][0]):
        pct = 100.0 * ns / 1e9 / wall
        total += pct
        if ns:
            print(f"{name:24s} {pct:6.2f}%  {sw / wall:7.0f} switches/s")
    print(f"{'total':24s} {total:6.2f}% of one core over {wall:.1f} s")
    busy, ticks = m1[0] - m0[0], m1[1] - m0[1]
    cores = os.cpu_count()
    if ticks:
        print(f"{'machine':24s} {100.0 * busy / ticks:6.2f}% busy of its {cores} cores meanwhile")


main()
