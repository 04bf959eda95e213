"""The broker's lines as they arrive on a socket, for bench/burst.py and bench/bigroom-check.py."""


def lines(sock, closed="the broker closed the connection"):
    """Yields each line received on sock (bytes, without its newline); exits with closed at EOF."""
    buf = b""
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            raise SystemExit(closed)
        buf += chunk
        *done, buf = buf.split(b"\n")
        yield from done
