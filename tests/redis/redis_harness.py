"""Starting and stopping redis-server instances for the module tests (loopback,
non-default ports, a temporary directory per server, bounded waits)."""
import os
import socket
import subprocess
import time

import redis


class Server:
    def __init__(self, module, port, workdir, extra=()):
        self.module = module
        self.port = port
        self.dir = os.path.join(workdir, str(port))
        os.makedirs(self.dir, exist_ok=True)
        self.extra = list(extra)
        self.proc = None

    def start(self, extra=()):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
                "--logfile", os.path.join(self.dir, "redis.log"), "--pidfile", os.path.join(self.dir, "redis.pid"),
                "--loadmodule", self.module]
        args += self.extra + list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server on port %d exited at start:\n%s" % (self.port, self.log_tail()))
            try:
                if self.client().ping():
                    return self
            except redis.exceptions.BusyLoadingError:
                pass
            except redis.exceptions.ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server on port %d did not answer within 20 s" % self.port)

    def client(self, **kw):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=60, **kw)

    def log_tail(self, n=30):
        try:
            with open(os.path.join(self.dir, "redis.log")) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, save=False):
        if self.proc is None:
            return
        try:
            self.client().shutdown(save=save, nosave=not save)
        except redis.exceptions.ConnectionError:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def wait_until(what, check, timeout=30.0, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(step)
    raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))


class Resp3:
    """A minimal RESP3 client (HELLO 3) for checking reply shapes; redis-py 4.3 speaks RESP2 only."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
        self.call("HELLO", "3")

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self._read()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return ("simple", rest.decode())
        if t == b"-":
            return ("error", rest.decode())
        if t == b":":
            return ("int", int(rest))
        if t == b"#":
            return ("bool", rest == b"t")
        if t == b",":
            return ("double", float(rest))
        if t == b"_":
            return ("null", None)
        if t == b"$":
            n = int(rest)
            return ("null", None) if n < 0 else ("bulk", self._exact(n))
        if t in (b"*", b"~", b">"):
            n = int(rest)
            return ("array", [self._read() for _ in range(n)]) if n >= 0 else ("null", None)
        if t in (b"%", b"|"):
            n = int(rest)
            return ("map", [(self._read(), self._read()) for _ in range(n)])
        raise ValueError("unknown RESP3 type %r" % line)

    def close(self):
        self.sock.close()


def _crc64_table():
    poly = 0x95AC9329AC4BC9B5  # Redis's CRC-64 (Jones polynomial, reflected)
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc64_table()


def crc64(data):
    """Redis's CRC-64 (the checksum that ends DUMP payloads and RDB files)."""
    c = 0
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c


def with_crc(body):
    """`body` followed by its CRC-64, little-endian (what Redis verifies)."""
    return body + crc64(body).to_bytes(8, "little")
