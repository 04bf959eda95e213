#!/usr/bin/env python3
"""rss-split.py PID: a process's resident memory by kind, in MiB, from /proc/PID/smaps.

Prints one line: `total N, aeron-terms N, anon N, code N, cnc N, other N`. Aeron's term buffers
(`*.logbuffer`, one file per publication or image) are counted once per mapping: a file mapped
twice in one process (the driver's and a client's view of the same publication) is resident
twice in the RSS that `ps` and /proc/PID/status report, and so it is here.
"""
import re
import sys

MAPPING = re.compile(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$")


def kind(path):
    if path.endswith(".logbuffer"):
        return "aeron-terms"
    if path.endswith("cnc.dat"):
        return "cnc"
    if path == "" or path.startswith("[heap]") or path.startswith("[stack"):
        return "anon"
    if path.endswith(".jar") or ".so" in path or "/jvm/" in path or path.endswith(".jsa"):
        return "code"
    return "other"


def main(pid):
    kib = {"aeron-terms": 0, "anon": 0, "code": 0, "cnc": 0, "other": 0}
    current = "other"
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            mapping = MAPPING.match(line)
            if mapping:
                current = kind(mapping.group(1))
            elif line.startswith("Rss:"):
                kib[current] += int(line.split()[1])
    total = sum(kib.values())
    print(f"total {total // 1024}, " + ", ".join(f"{k} {v // 1024}" for k, v in kib.items()))


if __name__ == "__main__":
    main(sys.argv[1])
