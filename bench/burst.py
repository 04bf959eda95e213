#!/usr/bin/env python3
"""burst.py N SENDER PORT...: a reader joins on each PORT, then a sender on the first PORT sends N
messages of 4,000 bytes as fast as it can; prints when each reader had the last, from the first
SEND (bench/cluster.sh burst; SENDER names the sender's member in the line printed)."""
import socket, sys, threading, time

from chatlines import lines

n, sender, ports = int(sys.argv[1]), sys.argv[2], [int(p) for p in sys.argv[3:]]
text = b"x" * 4000

ready, last = threading.Barrier(len(ports) + 1), {}


def reader(i, port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.sendall(b"JOIN burstreader%d\n" % i)
    got = 0
    for line in lines(sock):
        if line.startswith(b"WELCOME "):
            ready.wait()
        elif line.startswith(b"MSG burstsender "):
            got += 1
            if got == n:
                last[i] = time.monotonic()
                break
    sock.close()


threads = [threading.Thread(target=reader, args=(i, p)) for i, p in enumerate(ports)]
for t in threads:
    t.start()
ready.wait()
sock = socket.create_connection(("127.0.0.1", ports[0]), timeout=60)
sock.sendall(b"JOIN burstsender\n")
next(lines(sock))
t0 = time.monotonic()
for i in range(n):
    sock.sendall(b"SEND " + text + b"\n")
for t in threads:
    t.join()
sock.close()
at = [f"{(last[i] - t0):.2f} s" for i in range(len(ports))]
print(f"- sent on member {sender}'s broker: its reader {at[0]}, the others' {', '.join(at[1:])}")
