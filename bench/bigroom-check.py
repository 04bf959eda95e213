#!/usr/bin/env python3
"""bigroom-check.py PREFIX N GONE HOLDER ERRFILE PORT...: waits until the room holds the load
generator's N members (PREFIX0 to PREFIX<N-1>, member i on broker i % 3) but those of broker GONE
(-1: none), then has a probe on each PORT join and send WHO; exit 1 unless each listing has exactly
those members and the probe, once (bench/cluster.sh bigroom). HOLDER is the generator's pid,
ERRFILE its stderr."""
import os, socket, sys, time

from chatlines import lines

prefix = sys.argv[1].encode()
n, gone, holder, holder_err = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ports = [int(p) for p in sys.argv[6:]]
expected = {prefix + b"%d" % i for i in range(n) if i % 3 != gone}


def leave(sock, it):
    """LEAVE, and read up to its BYE: the room has ordered it, so the next probe's JOIN and WHO
    (on another broker, through the same order) come after it."""
    sock.sendall(b"LEAVE\n")
    for line in it:
        if line == b"BYE":
            break
    sock.close()


def join(port, name, waiting=False):
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(b"JOIN " + name + b"\n")
    it = lines(sock)
    try:
        for line in it:
            if line.startswith(b"WELCOME "):
                return sock, it, int(line.split()[2])
            if line.startswith(b"ERR unavailable") and waiting:  # an election: try again
                sock.close()
                return None, None, -1
            if line.startswith(b"ERR "):
                raise SystemExit(f"the probe's JOIN on port {port}: {line.decode()}")
    except socket.timeout:
        raise SystemExit(f"the probe's JOIN on port {port}: no answer in 60 s") from None


start = time.monotonic()
while True:  # until the room holds what it should (joins, or a dead broker's members leaving)
    sock, it, count = join(ports[0], b"bigroomprobe", waiting=True)
    if sock:
        leave(sock, it)
    if count == len(expected) + 1:
        break
    try:
        os.kill(holder, 0)
    except ProcessLookupError:
        raise SystemExit("the generator ended: " + open(holder_err).readline().strip())
    if time.monotonic() - start > 300:
        raise SystemExit(f"the room held {count - 1} members after 300 s, not {len(expected)}")
    time.sleep(1)
print(f"- {len(expected):,} members in the room after {time.monotonic() - start:.0f} s")
failed = False
for port in ports:
    probe = b"bigroomprobe%d" % port
    sock, it, count = join(port, probe)
    t0 = time.monotonic()
    sock.sendall(b"WHO\n")
    names, listed, size, total = set(), 0, 0, None
    sock.settimeout(30)
    try:
        for line in it:  # presence lines of the room may come between; WHO's lines are in order
            size += len(line) + 1
            if line.startswith(b"MEMBER "):
                names.add(line[7:])
                listed += 1
            elif line.startswith(b"MEMBERS "):
                total = int(line.split()[1])
                break
    except socket.timeout:
        print(f"- port {port}: no MEMBERS line 30 s after WHO")
    ms = (time.monotonic() - t0) * 1000
    ok = names == expected | {probe} and listed == total == len(names)
    failed |= not ok
    print(f"- port {port}: WHO listed {len(names & expected):,} of the {len(expected):,} members"
          f" and the probe, MEMBERS {total}, {size / 1024:.0f} KiB in {ms:.0f} ms"
          f"{'' if ok else ': WRONG'}")
    leave(sock, it)
sys.exit(1 if failed else 0)
