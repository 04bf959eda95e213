#!/usr/bin/env python3
"""Prints each change of the role in a directory's ready files as it happens, with the time.

    bench/ready-watch.py DIR

Each broker started with --ready-file DIR/ready-I.json rewrites its file at every change of
its cluster role (a temporary file renamed over it, docs/OPERATIONS.md). This waits on Linux's
inotify for those renames and deletions, so it costs nothing between them and sees each one
when it happens, not when a loop next looks: one line per change, "EPOCH_MS I ROLE", ROLE
"gone" once the file is deleted (a clean stop); first each file's role as it starts, then
"# watching DIR" once it watches. bench/cluster.sh times failovers from it: a
shell loop that read the files with sed while the stopped member exited and the others
elected saw a new leader's file 20 to 200 ms after it was written on this 2-core machine.
Runs until killed.
"""
import ctypes
import os
import re
import struct
import sys
import time

IN_MOVED_TO = 0x00000080
IN_CLOSE_WRITE = 0x00000008
IN_DELETE = 0x00000200
IN_IGNORED = 0x00008000  # the directory itself is gone
EVENT = struct.Struct("iIII")  # wd, mask, cookie, name length
NAME = re.compile(r"ready-(\d+)\.json$")
ROLE = re.compile(r'"role":"([^"]*)"')


def role_of(path):
    try:
        with open(path) as f:
            found = ROLE.search(f.read())
        return found.group(1) if found else "?"
    except OSError:
        return "gone"


def main():
    directory = sys.argv[1]
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = libc.inotify_init()
    if fd < 0 or libc.inotify_add_watch(
        fd, os.fsencode(directory), IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE
    ) < 0:
        sys.exit(f"ready-watch: cannot watch {directory}: {os.strerror(ctypes.get_errno())}")
    # Watching from here on: first what the files say now, then a line that says so.
    last = {}
    for name in sorted(os.listdir(directory)):
        member = NAME.search(name)
        if member:
            last[member.group(1)] = role_of(os.path.join(directory, name))
            print(time.time_ns() // 1_000_000, member.group(1), last[member.group(1)])
    print("# watching", directory, flush=True)
    while True:
        data = os.read(fd, 64 * 1024)
        now_ms = time.time_ns() // 1_000_000
        offset = 0
        while offset < len(data):
            _, mask, _, length = EVENT.unpack_from(data, offset)
            name = data[offset + EVENT.size : offset + EVENT.size + length].rstrip(b"\0").decode()
            offset += EVENT.size + length
            if mask & IN_IGNORED:
                return
            member = NAME.search(name)
            if not member:
                continue  # the temporary file beside it
            i = member.group(1)
            role = "gone" if mask & IN_DELETE else role_of(os.path.join(directory, name))
            if last.get(i) != role:
                last[i] = role
                print(now_ms, i, role, flush=True)


if __name__ == "__main__":
    main()
