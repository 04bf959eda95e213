#!/usr/bin/env python3
"""Prints when each broker serves again after an election: its /healthz back to 200.

    bench/serving-watch.py HTTP_PORT...

Asks each broker's /healthz (127.0.0.1) every 10 ms. A clustered broker answers 503 while its
member elects, and until its session has heard of the new leader and reaches it; this waits
for each port's first 503 and then its first 200 after it, and prints "EPOCH_MS PORT serving"
then. Prints "# watching" once it has asked each port once, and exits once every port served
again, or after 15 s ("EPOCH_MS PORT never" for each that did not). bench/cluster.sh starts it
before it stops a leader: the new leader's ready file says when a member leads, this when the
brokers that stay can take messages again.
"""
import http.client
import sys
import time

EVERY_S = 0.01
GIVE_UP_S = 15


def status(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/healthz")
        code = conn.getresponse().status
        conn.close()
        return code
    except OSError:
        return None  # refused or timed out: as good as a 503 here


def main():
    ports = [int(p) for p in sys.argv[1:]]
    down = {p: False for p in ports}
    done = set()
    for p in ports:
        down[p] = status(p) != 200
    print("# watching", flush=True)
    end = time.time() + GIVE_UP_S
    while len(done) < len(ports) and time.time() < end:
        for p in ports:
            if p in done:
                continue
            code = status(p)
            if code != 200:
                down[p] = True
            elif down[p]:
                print(f"{int(time.time() * 1000)} {p} serving", flush=True)
                done.add(p)
        time.sleep(EVERY_S)
    for p in ports:
        if p not in done:
            print(f"{int(time.time() * 1000)} {p} never", flush=True)


if __name__ == "__main__":
    main()
