#!/usr/bin/env python3
"""Records the exact query a real DNS client sends, for parser tests.

usage: capture_query.py OUTPUT.bin CLIENT ARGS...   (PORT in ARGS becomes the port)
e.g.   capture_query.py data/dig_a.bin dig -p PORT @127.0.0.1 example.com A

Binds a UDP socket on 127.0.0.1 (a free port), runs the client once against it,
writes the first datagram received and never answers (the client times out).
"""
import socket
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    output, argv = sys.argv[1], sys.argv[2:]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    port = str(sock.getsockname()[1])
    argv = [arg.replace("PORT", port) for arg in argv]
    client = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        packet, _ = sock.recvfrom(65535)
    finally:
        client.kill()
        client.wait()
    with open(output, "wb") as out:
        out.write(packet)
    print(f"{output}: {len(packet)} bytes from {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
