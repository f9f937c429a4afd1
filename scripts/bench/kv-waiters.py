#!/usr/bin/env python3
"""scripts/bench/kv-waiters.py: many clients blocked in a read of one key, then one write.

Used by scripts/bench/kv (run it there); standalone:

  kv-waiters.py --target hearth --url https://127.0.0.1:PORT --pid SERVER_PID --ca DATA_DIR/ca.pem \
      --token ACCESS_TOKEN [--clients 10000] [--namespace bench] [--key gate] [--wait 5m] [--mode index]
  kv-waiters.py --target etcd --url http://127.0.0.1:PORT --pid ETCD_PID [--clients 10000]

One process, one asyncio event loop, one TCP (and, for https, TLS) connection per client, each
a bare HTTP/1.1 request written by hand (asyncio.Protocol, no per-connection task), so that the
client spends as little as it can per waiter:

  1. One control connection. Hearth, --mode index: PUT the key (a first value) and read its
     X-Hearth-Index N; the waiters send GET .../kv/KEY?index=N&wait=WAIT. --mode missing: the key
     does not exist (a fresh name); the waiters send GET .../kv/KEY?wait=WAIT.
     etcd: the waiters send POST /v3/watch {"create_request": {"key": KEY}} (the JSON gateway's
     streaming watch) and count as waiting once the "created" message has come back.
  2. The server's VmRSS (/proc/PID/status) idle ("base"); then every connection opened (TLS
     handshake done, no request yet), at most --connect-parallel at a time: VmRSS "connected";
     then one ordinary request answered on each (Hearth: GET the key; etcd: a range), as a
     keep-alive connection is after its first request: VmRSS "served"; then the blocking
     request sent on each, and once they all wait (etcd: every watch created; Hearth,
     which says nothing until it answers: the server idle, under 0.05 cores over 0.5 s, and no
     answer): VmRSS "waiting". Extra RSS per client = (waiting - base) / clients, split into
     per connection (served - base) and per waiting request (waiting - served). For etcd
     also its Go heap and stacks in use at each point (go_memstats_*_inuse_bytes from /metrics):
     its RSS without the runtime's free pages (both still count garbage not yet collected).
  3. The write, on the control connection (Hearth: PUT the key; etcd: POST /v3/kv/put). Each
     waiter's answer is timed when its last byte has been read (Hearth: the whole response with
     the new value, checked; etcd: the event message): latency from the write's answer and from
     its send; p50, p99 and the last. During that window, the CPU used by the server, by this
     client (time.process_time) and by everything else on the machine, to show how much of it
     is the client. --rounds times: after each write every waiter waits again (Hearth: a new GET
     on the same connection with ?index= the write's index, also in --mode missing; etcd: the
     same watch goes on), and the round whose last waiter was answered soonest is reported (of
     those during which everything else on the machine used under 0.3 cores, if any).
  4. VmRSS after the answers (connections still open), then every connection closed.

Prints progress on stderr and one machine-readable line, "RESULT key=value ...", on stdout.
"""

import argparse
import asyncio
import base64
import gc
import json
import math
import os
import resource
import ssl
import sys
import time
import urllib.parse

CLK_TCK = os.sysconf("SC_CLK_TCK")

# asyncio's TLS transport reads into a 256 KiB buffer per connection (Python 3.11): 2.5 GB for
# 10,000 connections in the client. A TLS record is at most 16 KiB; 32 KiB is plenty.
if hasattr(asyncio.sslproto.SSLProtocol, "max_size"):
    asyncio.sslproto.SSLProtocol.max_size = 32 * 1024


def log(msg):
    print(f"[waiters {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def busy_ticks():
    """The machine's busy time, all CPUs (not idle or iowait), in ticks."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))  # nearest rank
    return sorted_values[k]


def response_complete(buf, header_end):
    """Whether buf holds a whole HTTP/1.1 response (by Content-Length, or chunked)."""
    head = bytes(buf[:header_end]).lower()
    body = buf[header_end:]
    k = head.find(b"\r\ncontent-length:")
    if k >= 0:
        return len(body) >= int(head[k + 17 : head.find(b"\r\n", k + 2)].strip())
    if b"transfer-encoding: chunked" in head:
        return body.endswith(b"0\r\n\r\n")
    return False


class Waiter(asyncio.Protocol):
    """One client: one connection, one request, one answer (Hearth) or event (etcd)."""

    def __init__(self, run):
        self.run = run
        self.transport = None
        self.buf = bytearray()
        self.header_end = -1
        self.status = 0
        self.created = False  # etcd: the watch exists
        self.done_at = None  # monotonic time of the answer / event
        self.first_at = None  # monotonic time of its first byte
        self.early = False  # answered before the write was sent
        self.error = None
        self.closed = False
        self.warming = False  # an ordinary request sent, its answer not read yet

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.closed = True
        if self.done_at is None and not self.run.closing and self.error is None:
            self.error = f"closed: {exc}" if exc else "closed by the server"
            self.run.changed()

    def data_received(self, data):
        now = time.monotonic()
        if self.warming:
            self.buf += data
            if self.header_end < 0:
                i = self.buf.find(b"\r\n\r\n")
                if i < 0:
                    return
                self.header_end = i + 4
            if response_complete(self.buf, self.header_end):
                self.warming = False
                self.buf = bytearray()
                self.header_end = -1
                self.run.warmed += 1
                self.run.changed()
            return
        if self.done_at is not None:
            return
        if self.first_at is None and (self.run.target == "hearth" or self.created):
            self.first_at = now
        self.buf += data
        if self.header_end < 0:
            i = self.buf.find(b"\r\n\r\n")
            if i < 0:
                return
            self.header_end = i + 4
            try:
                self.status = int(self.buf[9:12])
            except ValueError:
                self.status = -1
            if self.status != 200:
                self.error = f"status {self.status}: {bytes(self.buf[:300])!r}"
                self.done_at = now
                self.run.changed()
                return
        if self.run.target == "etcd":
            body = self.buf[self.header_end:]
            if not self.created:
                if b'"created":true' in body:
                    self.created = True
                    self.run.created += 1
                    self.run.changed()
                    # Whatever follows the created message is the event (if it came in the same read).
                    j = body.find(b'"created":true')
                    rest = body[j:]
                    self.buf = self.buf[: self.header_end] + rest
                    if b'"events"' in rest:
                        self.finish(now)
                return
            if b'"events"' in body:
                self.finish(now)
            elif len(self.buf) > 65536:
                self.buf = self.buf[: self.header_end] + body[-4096:]
            return
        # Hearth: the whole response.
        if response_complete(self.buf, self.header_end):
            self.finish(now)

    def rearm(self):
        self.done_at = None
        self.first_at = None
        self.early = False
        if self.run.target == "hearth":
            self.buf = bytearray()
            self.header_end = -1
            self.status = 0
        else:
            self.buf = self.buf[: self.header_end]

    def finish(self, now):
        self.done_at = now
        if self.run.sent_at is None:
            self.early = True
        self.run.answered += 1
        self.run.changed()


class Run:
    def __init__(self, args):
        self.args = args
        self.target = args.target
        u = urllib.parse.urlsplit(args.url)
        self.host, self.port, self.https = u.hostname, u.port, u.scheme == "https"
        self.ssl = None
        if self.https:
            self.ssl = ssl.create_default_context(cafile=args.ca)
        self.waiters = []
        self.created = 0
        self.warmed = 0
        self.answered = 0
        self.sent_at = None
        self.closing = False
        self.event = asyncio.Event()

    def changed(self):
        self.event.set()

    async def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{what}: not after {timeout:.0f} s")
            self.event.clear()
            try:
                await asyncio.wait_for(self.event.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass

    # --- the control connection: plain request/response with asyncio streams ---

    async def control_open(self):
        self.cr, self.cw = await asyncio.open_connection(self.host, self.port, ssl=self.ssl)

    async def control(self, method, path, body=b"", headers=None):
        h = {"Host": f"{self.host}:{self.port}", "Content-Length": str(len(body))}
        if self.args.token:
            h["Authorization"] = f"Bearer {self.args.token}"
        h.update(headers or {})
        req = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
        self.cw.write(req.encode() + body)
        await self.cw.drain()
        status_line = await self.cr.readline()
        status = int(status_line.split()[1])
        resp_headers = {}
        while True:
            line = await self.cr.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode().partition(":")
            resp_headers[k.strip().lower()] = v.strip()
        if "content-length" in resp_headers:
            data = await self.cr.readexactly(int(resp_headers["content-length"]))
        elif resp_headers.get("transfer-encoding") == "chunked":
            data = b""
            while True:
                size = int((await self.cr.readline()).strip(), 16)
                chunk = await self.cr.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
        else:
            data = b""
        return status, resp_headers, data

    # --- the phases ---

    def server_rss(self):
        return rss_kb(self.args.pid)

    async def go_memory_kb(self):
        """etcd: its Go heap and stacks in use (GET /metrics): unlike RSS, without the pages the
        runtime keeps free for later; like RSS, with garbage not yet collected."""
        if self.target != "etcd":
            return None
        status, _, data = await self.control("GET", "/metrics")
        total = 0
        for line in data.decode().splitlines():
            name, _, value = line.partition(" ")
            if name in ("go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes"):
                total += float(value)
        return int(total / 1024)

    async def measure(self, r, stage):
        r[f"rss_{stage}_kb"] = self.server_rss()
        go = await self.go_memory_kb()
        if go is not None:
            r[f"go_{stage}_kb"] = go

    async def settle(self, max_seconds):
        """Until the server uses under 0.05 cores over 0.5 s (at most max_seconds)."""
        deadline = time.monotonic() + max_seconds
        while time.monotonic() < deadline:
            a = cpu_ticks(self.args.pid)
            await asyncio.sleep(0.5)
            b = cpu_ticks(self.args.pid)
            if (b - a) / CLK_TCK / 0.5 < 0.05:
                return True
        return False

    async def open_all(self):
        sem = asyncio.Semaphore(self.args.connect_parallel)
        loop = asyncio.get_running_loop()
        failures = []

        async def one():
            async with sem:
                w = Waiter(self)
                for attempt in range(5):
                    try:
                        await loop.create_connection(lambda: w, self.host, self.port, ssl=self.ssl)
                        self.waiters.append(w)
                        return
                    except (OSError, ssl.SSLError, asyncio.TimeoutError) as e:
                        err = e
                        await asyncio.sleep(0.2 * (attempt + 1))
                failures.append(repr(err))

        t0 = time.monotonic()
        await asyncio.gather(*(one() for _ in range(self.args.clients)))
        if failures:
            raise RuntimeError(f"{len(failures)} connections failed, first: {failures[0]}")
        return time.monotonic() - t0

    def request_bytes(self):
        a = self.args
        host = f"Host: {self.host}:{self.port}\r\n"
        if self.target == "hearth":
            q = f"wait={a.wait}" if self.index is None else f"index={self.index}&wait={a.wait}"
            path = f"/v1/namespaces/{a.namespace}/kv/{a.key}?{q}"
            auth = f"Authorization: Bearer {a.token}\r\n" if a.token else ""
            return f"GET {path} HTTP/1.1\r\n{host}{auth}\r\n".encode()
        body = json.dumps({"create_request": {"key": base64.b64encode(a.key.encode()).decode()}}).encode()
        return (f"POST /v3/watch HTTP/1.1\r\n{host}Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    def ordinary_request_bytes(self):
        """One request answered at once, to set up what a connection keeps after a request."""
        a = self.args
        host = f"Host: {self.host}:{self.port}\r\n"
        if self.target == "hearth":
            auth = f"Authorization: Bearer {a.token}\r\n" if a.token else ""
            return f"GET /v1/namespaces/{a.namespace}/kv/{a.key} HTTP/1.1\r\n{host}{auth}\r\n".encode()
        body = json.dumps({"key": base64.b64encode(a.key.encode()).decode()}).encode()
        return (f"POST /v3/kv/range HTTP/1.1\r\n{host}Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    async def main(self):
        a = self.args
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        need = a.clients + 100
        if soft < need:
            if hard < need:
                raise RuntimeError(f"open files limit {hard} < {need}: raise it (ulimit -Hn)")
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
        r = {"target": self.target, "clients": a.clients}
        await self.control_open()
        self.index = None
        if self.target == "hearth":
            path = f"/v1/namespaces/{a.namespace}/kv/{a.key}"
            if a.mode == "index":
                status, headers, data = await self.control("PUT", path, b"first", {"Content-Type": "application/octet-stream"})
                if status != 200:
                    raise RuntimeError(f"PUT {path}: {status} {data[:300]!r}")
                self.index = int(headers["x-hearth-index"])
            else:
                status, _, data = await self.control("GET", path)
                if status != 404:
                    raise RuntimeError(f"GET {path} (--mode missing): {status}, expected 404")
        gc.collect()
        await self.settle(10)
        await self.measure(r, "base")
        log(f"{self.target}: server RSS {r['rss_base_kb'] / 1024:.1f} MB; opening {a.clients} connections")
        r["connect_s"] = round(await self.open_all(), 2)
        await self.settle(30)
        await self.measure(r, "connected")
        log(f"{self.target}: {len(self.waiters)} connections in {r['connect_s']} s; server RSS "
            f"{r['rss_connected_kb'] / 1024:.1f} MB; sending the requests")

        req = self.ordinary_request_bytes()
        for w in self.waiters:
            w.warming = True
            w.transport.write(req)
        await self.wait_for(lambda: self.warmed + self.errors() >= a.clients, 120, "ordinary requests answered")
        if self.errors():
            raise RuntimeError(f"{self.errors()} connections failed in their first request")
        await self.settle(30)
        await self.measure(r, "served")
        log(f"{self.target}: one ordinary request answered on each connection; server RSS "
            f"{r['rss_served_kb'] / 1024:.1f} MB; sending the blocking requests")

        req = self.request_bytes()
        t0 = time.monotonic()
        for w in self.waiters:
            w.transport.write(req)
        if self.target == "etcd":
            await self.wait_for(lambda: self.created + self.errors() >= a.clients, 120, "watches created")
        # Hearth says nothing while a request waits: wait until the server has gone idle.
        await asyncio.sleep(1)
        settled = await self.settle(60)
        r["requests_s"] = round(time.monotonic() - t0, 2)
        await self.measure(r, "waiting")
        early = sum(1 for w in self.waiters if w.done_at is not None)
        errs = self.errors()
        log(f"{self.target}: requests sent and waiting in {r['requests_s']} s (server idle: {settled}); "
            f"server RSS {r['rss_waiting_kb'] / 1024:.1f} MB; answered before the write: {early}; errors: {errs}")
        if errs:
            first = next(w.error for w in self.waiters if w.error)
            raise RuntimeError(f"{errs} waiters failed before the write, first: {first}")
        if early:
            raise RuntimeError(f"{early} waiters answered before the write (index or wait not honoured?)")
        r["client_rss_kb"] = rss_kb(os.getpid())

        rounds = []
        for n in range(1, a.rounds + 1):
            if n > 1:
                await self.rearm(n)
            rounds.append(await self.release(n))
        # The round whose last waiter was answered soonest, among those that other work on the
        # machine did not disturb (under 0.3 cores on average) if any; every round's "last" beside.
        for x in rounds:
            x["other_cores"] = round(x["other_cpu_s"] / max(x["window_ms"] / 1000, 1e-3), 2)
        quiet = [x for x in rounds if x["other_cores"] <= 0.3]
        best = min(quiet or rounds, key=lambda x: x["sent_last_ms"])
        r.update(best)
        r["disturbed"] = 0 if quiet else 1
        r["rounds_last_ms"] = ",".join(f"{x['sent_last_ms']:.1f}{'' if x['other_cores'] <= 0.3 else '*'}" for x in rounds)
        await asyncio.sleep(1)
        await self.measure(r, "after")
        self.closing = True
        for w in self.waiters:
            if not w.closed:
                w.transport.close()
        self.cw.close()
        await asyncio.sleep(1)
        return r

    async def rearm(self, n):
        """Round n > 1: every waiter waiting again (Hearth: a new GET with the index of the last
        write; etcd: the same watch, which goes on)."""
        a = self.args
        self.sent_at = None
        self.answered = 0
        for w in self.waiters:
            w.rearm()
        if self.target == "hearth":
            req = self.request_bytes()
            for w in self.waiters:
                w.transport.write(req)
        await asyncio.sleep(1)
        settled = await self.settle(60)
        early = sum(1 for w in self.waiters if w.done_at is not None)
        if self.errors() or early:
            raise RuntimeError(f"round {n}: {self.errors()} errors and {early} early answers before the write")
        log(f"{self.target}: round {n}: waiting again (server idle: {settled})")

    async def release(self, n):
        """One write of the key; every waiter's answer timed."""
        a = self.args
        value = f"{a.value}-{n}".encode()
        r = {}
        busy0, srv0, cpu0 = busy_ticks(), cpu_ticks(a.pid), time.process_time()
        if self.target == "hearth":
            path = f"/v1/namespaces/{a.namespace}/kv/{a.key}"
            self.sent_at = time.monotonic()
            status, headers, data = await self.control("PUT", path, value, {"Content-Type": "application/octet-stream"})
            if status == 200:
                self.index = int(headers["x-hearth-index"])
        else:
            body = json.dumps({"key": base64.b64encode(a.key.encode()).decode(),
                               "value": base64.b64encode(value).decode()}).encode()
            self.sent_at = time.monotonic()
            status, _, data = await self.control("POST", "/v3/kv/put", body, {"Content-Type": "application/json"})
        answered_at = time.monotonic()
        if status != 200:
            raise RuntimeError(f"the write answered {status}: {data[:300]!r}")
        await self.wait_for(lambda: self.answered + self.errors() >= a.clients, a.release_timeout, "waiters answered")
        busy1, srv1, cpu1 = busy_ticks(), cpu_ticks(a.pid), time.process_time()
        done = [w for w in self.waiters if w.done_at is not None and w.error is None]
        last_at = max(w.done_at for w in done)
        window = last_at - self.sent_at
        r["write_ms"] = round((answered_at - self.sent_at) * 1000, 2)
        bad_values = 0
        if self.target == "hearth":
            bad_values = sum(1 for w in done if not bytes(w.buf).endswith(value))
        r["answered"] = len(done)
        r["errors"] = self.errors() + bad_values
        lat_ans = sorted((w.done_at - answered_at) * 1000 for w in done)
        lat_sent = sorted((w.done_at - self.sent_at) * 1000 for w in done)
        for name, lat in (("ans", lat_ans), ("sent", lat_sent)):
            r[f"{name}_p50_ms"] = round(percentile(lat, 50), 2)
            r[f"{name}_p99_ms"] = round(percentile(lat, 99), 2)
            r[f"{name}_last_ms"] = round(lat[-1], 2)
            r[f"{name}_first_ms"] = round(lat[0], 2)
        r["before_write_answer"] = sum(1 for x in lat_ans if x < 0)
        r["window_ms"] = round(window * 1000, 2)
        r["client_cpu_s"] = round(cpu1 - cpu0, 3)
        r["server_cpu_s"] = round((srv1 - srv0) / CLK_TCK, 3)
        # Everything else the machine did meanwhile (busy time minus the server and this client).
        r["other_cpu_s"] = round(max(0.0, (busy1 - busy0 - (srv1 - srv0)) / CLK_TCK - (cpu1 - cpu0)), 3)
        log(f"{self.target}: round {n}: the write answered in {r['write_ms']} ms; {len(done)} waiters answered, "
            f"from the write's send p50 {r['sent_p50_ms']} ms, p99 {r['sent_p99_ms']} ms, last {r['sent_last_ms']} ms; "
            f"CPU in that window: server {r['server_cpu_s']} s, client {r['client_cpu_s']} s, other {r['other_cpu_s']} s; "
            f"errors {r['errors']}")
        if r["errors"]:
            first = next((w.error for w in self.waiters if w.error), "a wrong value")
            raise RuntimeError(f"round {n}: {r['errors']} waiters failed, first: {first}")
        return r

    def errors(self):
        return sum(1 for w in self.waiters if w.error is not None)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--target", choices=["hearth", "etcd"], required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--pid", type=int, required=True, help="the server process, for VmRSS and CPU")
    p.add_argument("--ca", help="CA bundle for https (Hearth: DATA_DIR/ca.pem)")
    p.add_argument("--token", default=os.environ.get("BENCH_TOKEN", ""), help="bearer token (Hearth)")
    p.add_argument("--clients", type=int, default=10000)
    p.add_argument("--namespace", default="bench")
    p.add_argument("--key", default=None, help="Hearth: gate (index mode) or gate-<time> (missing); etcd: bench/gate")
    p.add_argument("--wait", default="5m", help="Hearth: the wait parameter")
    p.add_argument("--mode", choices=["index", "missing"], default="index", help="Hearth: blocking on ?index=N, or on a missing key")
    p.add_argument("--value", default="go", help="the value written to release the waiters")
    p.add_argument("--connect-parallel", type=int, default=100, help="connections being opened at once")
    p.add_argument("--rounds", type=int, default=5, help="writes, each releasing every waiter (then waiting again)")
    p.add_argument("--release-timeout", type=float, default=120, help="seconds to wait for every answer after the write")
    a = p.parse_args()
    if a.key is None:
        a.key = "bench/gate" if a.target == "etcd" else ("gate" if a.mode == "index" else f"gate-{int(time.time())}")
    run = None

    async def go():
        nonlocal run
        run = Run(a)
        return await run.main()

    try:
        r = asyncio.run(go())
    except Exception as e:  # one line for the calling script, then fail
        log(f"error: {e}")
        print(f"ERROR {e}")
        sys.exit(1)
    print("RESULT " + " ".join(f"{k}={v}" for k, v in r.items()), flush=True)


if __name__ == "__main__":
    main()
