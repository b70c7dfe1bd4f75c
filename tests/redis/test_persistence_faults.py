"""ruvector-redis.so against damaged persistence and replication input, and diskless
replication (loopback, ports BASE_PORT..BASE_PORT+2, bounded waits):

1. RDB files on disk: an intact RDB with ruvector sets loads (same digests, identical VSIM
   answers); the same file truncated, or with a bit flipped inside the module's payload
   (Redis's RDB CRC-64 recomputed, so only the module can notice), makes the server refuse
   to start: it exits by itself (no signal, no crash report) and its log names the reason
   (for flips, the module's "ruvector: rejected a set: ..." line).
2. Diskless replication: a master with repl-diskless-sync yes and replicas with
   repl-diskless-load swapdb and on-empty-db: the transfer goes over the socket (both
   logs say so) and the replica answers VSIM (NOQUANT and Q8 sets) exactly like the master,
   with equal digests.
3. A corrupted replication stream: a fake master (this script) answers the replica's
   PSYNC with +FULLRESYNC and an RDB. The intact RDB loads (the control: the injection
   works); the same RDB with a bit flipped in the module's payload (CRC fixed up) is
   rejected by the module, and the replica exits by itself with the reason logged (Redis
   7.0 exits on a corrupt diskless payload rather than serve a partial data set) - no
   signal, no crash report.

Usage: test_persistence_faults.py MODULE_SO WORKDIR BASE_PORT
Oracle: the server that wrote the RDB (digests and VSIM answers)."""
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time

import numpy as np

from redis_harness import Server, crc64, wait_until, with_crc

MODULE, WORKDIR, BASE_PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
failures = []
CRASH_MARKS = ("crashed by signal", "REDIS BUG REPORT", "Segmentation fault", "ASSERTION FAILED")


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def blob(v):
    return np.asarray(v, dtype="<f4").tobytes()


def fill(r, rng):
    """Two sets (NOQUANT and Q8) with attributes; returns the query vectors."""
    for i in range(400):
        r.execute_command("VADD", "plain", "FP32", blob(rng.normal(size=16)), "p%d" % i, "SETATTR", '{"i": %d}' % i)
        r.execute_command("VADD", "q8", "FP32", blob(rng.normal(size=16)), "q%d" % i, "Q8")
    return [rng.normal(size=16) for _ in range(20)]


def answers(r, queries):
    out = []
    for key in ("plain", "q8"):
        for q in queries:
            out.append(r.execute_command("VSIM", key, "FP32", blob(q), "WITHSCORES", "COUNT", 10))
    return out


def digests(r):
    return [r.execute_command("DEBUG", "DIGEST-VALUE", k) for k in ("plain", "q8")]


def start_on(rdb_bytes, port, name):
    """Starts redis-server on a directory holding `rdb_bytes` as dump.rdb. Returns
    ("running", Server) or ("exited", returncode, log)."""
    d = os.path.join(WORKDIR, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "dump.rdb"), "wb") as f:
        f.write(rdb_bytes)
    log = os.path.join(d, "redis.log")
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "",
            "--appendonly", "no", "--enable-debug-command", "yes", "--logfile", log,
            "--pidfile", os.path.join(d, "redis.pid"), "--loadmodule", MODULE]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = Server(MODULE, port, WORKDIR)
    s.dir, s.proc = d, proc
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            with open(log) as f:
                return ("exited", proc.returncode, f.read())
        try:
            if s.client().ping():
                return ("running", s)
        except Exception:  # loading or not listening yet
            pass
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise AssertionError("redis-server on %s neither started nor exited within 30 s" % name)


def refused(result, what, reason):
    if result[0] == "running":
        result[1].stop()
        check(False, "%s: the server started" % what)
        return False
    _, code, log = result
    ok = code >= 0 and not any(m in log for m in CRASH_MARKS) and reason in log
    check(code >= 0, "%s: exited by itself (return code %d, not a signal)" % (what, code))
    check(not any(m in log for m in CRASH_MARKS), "%s: no crash report in the log" % what)
    check(reason in log, "%s: the log says %r" % (what, reason))
    return ok


# ---------------------------------------------------------------- 1. RDB files on disk
def test_rdb_files(source, queries):
    r = source.client()
    r.config_set("rdbcompression", "no")  # the module's bytes appear verbatim in the file
    r.save()
    with open(os.path.join(source.dir, "dump.rdb"), "rb") as f:
        rdb = f.read()
    check(crc64(rdb[:-8]) == int.from_bytes(rdb[-8:], "little"), "the RDB ends with Redis's CRC-64 of the rest")
    want_digests, want_answers = digests(r), answers(r, queries)

    res = start_on(rdb, BASE_PORT + 2, "rdb-clean")
    check(res[0] == "running", "the intact RDB loads: %r" % (res[2][-600:] if res[0] == "exited" else ""))
    if res[0] == "running":
        c = res[1].client()
        check(digests(c) == want_digests, "intact RDB: same digests")
        check(answers(c, queries) == want_answers, "intact RDB: identical VSIM answers")
        res[1].stop()

    body = rdb[:-8]
    starts = [body.find(b"RUVECTOR")]
    starts.append(body.find(b"RUVECTOR", starts[0] + 1))
    check(all(s > 0 for s in starts), "both snapshots found in the RDB")
    prng = random.Random(5)
    flips = 0
    for start in starts:
        # The snapshot of a small set is one piece; its end is at least 16 bytes before the
        # next key or the file's end, so flips below stay inside the module's bytes.
        end = min([s for s in starts if s > start] + [len(body)]) - 16
        for _ in range(6):
            pos = prng.randrange(start, end)
            bad = bytearray(body)
            bad[pos] ^= 1 << prng.randrange(8)
            res = start_on(with_crc(bytes(bad)), BASE_PORT + 2, "rdb-flip")
            flips += refused(res, "bit flip at offset %d of the RDB" % pos, "ruvector: rejected a set")
    for cut in sorted(prng.sample(range(starts[0] + 8, len(body) - 9), 6)):
        refused(start_on(rdb[:cut], BASE_PORT + 2, "rdb-trunc"), "RDB truncated to %d bytes" % cut, "Short read")
    print("  RDB files: intact loads; %d of 12 bit flips and 6 truncations refused with the reason logged" % flips,
          flush=True)


# ---------------------------------------------------------------- 2. diskless replication
def test_diskless_replicas(master, queries):
    r = master.client()
    r.config_set("repl-diskless-sync", "yes")
    r.config_set("repl-diskless-sync-delay", "0")
    want_digests, want_answers = digests(r), answers(r, queries)
    for mode in ("swapdb", "on-empty-db"):
        rep = Server(MODULE, BASE_PORT + 1, os.path.join(WORKDIR, "diskless-" + mode), ["--repl-diskless-load", mode]).start()
        try:
            c = rep.client()
            c.replicaof("127.0.0.1", master.port)
            wait_until("the %s replica's sync" % mode, lambda: c.info("replication")["master_link_status"] == "up")
            check(r.execute_command("WAIT", 1, 10000) == 1, "%s: WAIT 1" % mode)
            log = rep.log_tail(200)
            check("Skipping diskless-load" not in log and "to disk" not in log and "Loading DB in memory" in log,
                  "%s: the replica loaded from the socket, not through a file" % mode)
            check(digests(c) == want_digests, "%s replica: same digests" % mode)
            check(answers(c, queries) == want_answers, "%s replica: identical VSIM answers" % mode)
        finally:
            rep.stop()
    check("replicas sockets" in master.log_tail(400), "the master streamed the RDB to the socket (diskless sync)")
    print("  diskless replicas (swapdb, on-empty-db): equal digests, identical answers", flush=True)


# ---------------------------------------------------------------- 3. corrupted replication stream
class FakeMaster:
    """Answers one replica's handshake and PSYNC with +FULLRESYNC and `rdb`, then keeps
    the connection open (a real master would stream commands next)."""

    def __init__(self, port, rdb):
        self.rdb = rdb
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(1)
        self.sock.settimeout(20)
        self.sent = False
        self.conn = None
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            self.conn, _ = self.sock.accept()
            self.conn.settimeout(20)
            buf = b""
            while not self.sent:
                chunk = self.conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
                while True:
                    cmd, buf = self.parse(buf)
                    if cmd is None:
                        break
                    name = cmd[0].upper()
                    if name == b"PING":
                        self.conn.sendall(b"+PONG\r\n")
                    elif name == b"PSYNC":
                        self.conn.sendall(b"+FULLRESYNC " + b"a" * 40 + b" 0\r\n")
                        self.conn.sendall(b"$%d\r\n" % len(self.rdb) + self.rdb)
                        self.sent = True
                        break
                    else:
                        self.conn.sendall(b"+OK\r\n")
        except OSError:
            pass

    @staticmethod
    def parse(buf):
        if not buf.startswith(b"*") or b"\r\n" not in buf:
            return None, buf
        head, rest = buf.split(b"\r\n", 1)
        n = int(head[1:])
        out = []
        for _ in range(n):
            if b"\r\n" not in rest:
                return None, buf
            ln, rest = rest.split(b"\r\n", 1)
            size = int(ln[1:])
            if len(rest) < size + 2:
                return None, buf
            out.append(rest[:size])
            rest = rest[size + 2:]
        return out, rest

    def close(self):
        for s in (self.conn, self.sock):
            if s is not None:
                s.close()


def replica_of_fake(rdb, name):
    """A replica (diskless load, swapdb) of a fake master sending `rdb`.
    Returns ("synced", Server) or ("exited", returncode, log)."""
    fake = FakeMaster(BASE_PORT + 2, rdb)
    rep = Server(MODULE, BASE_PORT + 1, os.path.join(WORKDIR, name), ["--repl-diskless-load", "swapdb"]).start()
    try:
        rep.client().replicaof("127.0.0.1", BASE_PORT + 2)
        deadline = time.time() + 30
        while time.time() < deadline:
            if rep.proc.poll() is not None:
                code = rep.proc.returncode
                rep.proc = None
                with open(os.path.join(rep.dir, "redis.log")) as f:
                    return ("exited", code, f.read())
            try:
                if rep.client().info("replication")["master_link_status"] == "up":
                    return ("synced", rep)
            except Exception:  # busy loading
                pass
            time.sleep(0.05)
        raise AssertionError("%s: the replica neither synced nor exited within 30 s" % name)
    finally:
        fake.close()


def test_corrupt_stream(rdb, want_digests, want_answers, queries):
    res = replica_of_fake(rdb, "fake-clean")
    check(res[0] == "synced", "control: the replica loads the intact stream from the fake master: %r"
          % (res[2][-600:] if res[0] == "exited" else ""))
    if res[0] == "synced":
        c = res[1].client()
        check(digests(c) == want_digests and answers(c, queries) == want_answers,
              "control: the replica of the fake master answers like the source")
        c.replicaof("no", "one")
        res[1].stop()
    body = rdb[:-8]
    start = body.find(b"RUVECTOR")
    prng = random.Random(8)
    for i in range(3):
        pos = prng.randrange(start, start + 2000)
        bad = bytearray(body)
        bad[pos] ^= 1 << prng.randrange(8)
        res = replica_of_fake(with_crc(bytes(bad)), "fake-flip%d" % i)
        if res[0] == "synced":
            res[1].stop()
            check(False, "a stream with a bit flip at %d was accepted" % pos)
            continue
        if refused(res, "replication stream with a bit flip at %d" % pos, "ruvector: rejected a set"):
            check("from master to parser" in res[2], "the flipped stream was loaded from the socket (diskless), not a file")
    print("  corrupted replication stream: intact control synced; 3 of 3 flipped streams rejected, reason logged",
          flush=True)


def main():
    source = Server(MODULE, BASE_PORT, WORKDIR, ["--repl-diskless-sync-delay", "0"]).start()
    try:
        rng = np.random.default_rng(17)
        queries = fill(source.client(), rng)
        t0 = time.time()
        test_rdb_files(source, queries)
        print("RDB files: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        test_diskless_replicas(source, queries)
        print("diskless replicas: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        with open(os.path.join(source.dir, "dump.rdb"), "rb") as f:
            rdb = f.read()  # the SAVE of test_rdb_files (rdbcompression no)
        test_corrupt_stream(rdb, digests(source.client()), answers(source.client(), queries), queries)
        print("corrupted stream: %.1f s" % (time.time() - t0), flush=True)
    finally:
        if failures:
            print("--- source log tail ---\n" + source.log_tail())
        source.stop()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("redis persistence faults: all checks passed")


if __name__ == "__main__":
    main()
