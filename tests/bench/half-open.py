#!/usr/bin/python3
# half-open.py: holds COUNT half-open TLS handshakes against HOST:PORT, as an attacker
# would: each a TCP connection that sent the first 4 bytes of a ClientHello and nothing
# more. Each comes from its own loopback address (127.0.1.1, 127.0.1.2, ...), so that a
# per-address cap does not hide the handshakes. When the server closes one (its handshake
# timeout), another takes its place at once: COUNT are held all the time.
# Prints "holding COUNT" once they are all open, and on SIGTERM the number reopened.
#   tests/bench/half-open.py 127.0.0.1 8443 200
#
# Copyright 2026 The MyAltaMed for Linux authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import selectors
import signal
import socket
import sys

HELLO_START = bytes([0x16, 0x03, 0x01, 0x02])   # handshake record, TLS 1.0 header, length 0x02..

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
selector = selectors.DefaultSelector()
reopened = 0
stopping = False


def source_address(i):
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def open_one(i):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source_address(i), 0))
    sock.connect((host, port))
    sock.sendall(HELLO_START)
    selector.register(sock, selectors.EVENT_READ, i)


def stop(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)

for i in range(count):
    open_one(i)
print(f"holding {count}", flush=True)

while not stopping:
    for key, _ in selector.select(timeout=0.5):
        sock, i = key.fileobj, key.data
        try:
            data = sock.recv(4096)
        except OSError:
            data = b""
        if data:
            continue   # an alert, perhaps: the connection stays until the server closes it
        selector.unregister(sock)
        sock.close()
        open_one(i)
        reopened += 1

print(f"reopened {reopened} closed by the server", file=sys.stderr, flush=True)
