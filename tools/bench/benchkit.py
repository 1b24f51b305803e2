"""Shared pieces of the clusterdns benchmarks (bench.py, propagation.py).

Processes: every daemon and load generator runs in its own process group,
with PR_SET_PDEATHSIG so it dies with this script even on SIGKILL; the
group is signalled by its id at exit, on errors and on SIGINT/SIGTERM/SIGHUP.
Measurements read /proc/<pid>/stat (CPU), /proc/<pid>/status (VmHWM) and
/proc/<pid>/smaps_rollup (PSS) of every process in that group.
All traffic is on 127.0.0.1; port 53 is never used.
"""

import atexit
import ctypes
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode
    import dns.rdatatype
except ImportError:
    sys.exit("dnspython is missing: apt-get install -y python3-dnspython, and run "
             "with /usr/bin/python3 (scripts/bench.sh does both)")

ADDR = "127.0.0.1"
TICKS = os.sysconf("SC_CLK_TCK")
SBIN = "/usr/sbin:/sbin:/usr/local/sbin"
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


class Error(Exception):
    """One clear line for the user."""


def log(text):
    print(text, file=sys.stderr, flush=True)


def tool(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + os.pathsep + SBIN)
    if not path:
        raise Error("%s not found; run scripts/bench.sh (it installs nsd knot dnsperf "
                    "python3-dnspython)" % name)
    return path


# ------------------------------------------------------------ cleanup

_groups = []   # live Proc objects, stopped at exit (last started first)
_dirs = []


def cleanup():
    while _groups:
        try:
            _groups[-1].stop()
        except Exception as exc:  # keep stopping the others
            log("cleanup: %s" % exc)
            if _groups:
                _groups.pop()
    while _dirs:
        shutil.rmtree(_dirs.pop(), ignore_errors=True)


def _on_signal(signum, _frame):
    log("signal %d: stopping everything this benchmark started" % signum)
    cleanup()
    os._exit(128 + signum)


def install_cleanup():
    atexit.register(cleanup)
    # Orphans of our daemons (NSD's children) are reparented to us and reaped.
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def temp_dir(keep=False):
    path = tempfile.mkdtemp(prefix="clusterdns-bench-")
    if not keep:
        _dirs.append(path)
    return path


def _child_setup():
    # Runs in the child between fork and exec: die with the benchmark.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class Proc:
    """A process started in its own group, stopped by group id."""

    def __init__(self, argv, log_path, cwd=None, env=None):
        self.argv = argv
        self.log_path = log_path
        with open(log_path, "ab") as out:
            self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT, cwd=cwd, env=env,
                                          start_new_session=True,
                                          preexec_fn=_child_setup)
        self.pid = self.popen.pid
        self.started = time.monotonic()
        _groups.append(self)

    def alive(self):
        return self.popen.poll() is None

    def pids(self):
        """Live (non-zombie) processes of the group."""
        out = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            st = _stat(int(entry))
            if st and st["pgrp"] == self.pid and st["state"] != "Z":
                out.append(int(entry))
        return out

    def cpu_seconds(self):
        """{pid: utime+stime seconds} of the group now."""
        out = {}
        for pid in self.pids():
            st = _stat(pid)
            if st:
                out[pid] = st["cpu"] / TICKS
        return out

    def memory_kib(self):
        """Summed VmHWM, Rss and Pss (KiB) over the group's processes."""
        total = {"peak_rss": 0, "rss": 0, "pss": 0}
        for pid in self.pids():
            try:
                with open("/proc/%d/status" % pid) as f:
                    status = f.read()
                with open("/proc/%d/smaps_rollup" % pid) as f:
                    rollup = f.read()
            except OSError:
                continue
            for key, text, label in (("peak_rss", status, "VmHWM"), ("rss", rollup, "Rss"),
                                     ("pss", rollup, "Pss")):
                m = re.search(r"^%s:\s+(\d+) kB" % label, text, re.M)
                total[key] += int(m.group(1)) if m else 0
        return total

    def log_tail(self, n=12):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self, grace=5.0):
        if self in _groups:
            _groups.remove(self)
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                self.popen.poll()
                if self.popen.returncode is not None and not self.pids():
                    break
                time.sleep(0.02)
            else:
                continue
            break
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        _reap_orphans()


def _reap_orphans():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            return


def _stat(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    rest = data[data.rindex(")") + 2:].split()
    return {"state": rest[0], "pgrp": int(rest[2]), "cpu": int(rest[11]) + int(rest[12])}


def cpu_delta(before, after):
    """CPU seconds used between two cpu_seconds() samples."""
    return max(0.0, sum(t - before.get(pid, 0.0) for pid, t in after.items()))


# -------------------------------------------------------------- ports

_used_ports = set()


def free_port(start=20053):
    """A port free for UDP and TCP on 127.0.0.1 (never 53)."""
    for port in range(start, start + 3000):
        if port in _used_ports:
            continue
        ok = True
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with socket.socket(socket.AF_INET, kind) as s:
                try:
                    s.bind((ADDR, port))
                except OSError:
                    ok = False
                    break
        if ok:
            _used_ports.add(port)
            return port
    raise Error("no free port on %s from %d" % (ADDR, start))


# ---------------------------------------------------------------- DNS

def query_udp(port, name, rtype, timeout):
    """One query on a connected UDP socket (refused ports fail at once)."""
    q = dns.message.make_query(name, rtype)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((ADDR, port))
        s.settimeout(timeout)
        s.send(q.to_wire())
        deadline = time.monotonic() + timeout
        while True:
            s.settimeout(max(0.001, deadline - time.monotonic()))
            wire = s.recv(65535)
            resp = dns.message.from_wire(wire)
            if q.is_response(resp):
                return resp


def ask(port, name, rtype, proto, timeout=2.0):
    q = dns.message.make_query(name, rtype)
    if proto == "tcp":
        return dns.query.tcp(q, ADDR, port=port, timeout=timeout)
    resp = dns.query.udp(q, ADDR, port=port, timeout=timeout)
    if resp.flags & dns.flags.TC:
        resp = dns.query.tcp(q, ADDR, port=port, timeout=timeout)
    return resp


def comparable(resp):
    """rcode, AA, sorted answer RRs with TTLs, and the negative answer's SOA
    without its serial (clusterdns numbers its snapshots by time)."""
    def rdata(rr, rd):
        fields = rd.to_text().lower().split()
        if rr.rdtype == dns.rdatatype.SOA:
            del fields[2]   # the serial
        return " ".join(fields)

    rrs = sorted("%s %d %s %s" % (rr.name.to_text().lower(), rr.ttl,
                                  dns.rdatatype.to_text(rr.rdtype), rdata(rr, rd))
                 for rr in resp.answer for rd in rr)
    soa = []
    if not resp.answer:
        for rr in resp.authority:
            if rr.rdtype == dns.rdatatype.SOA:
                soa += ["%s %d %s %s %d %d %d %d" % (
                    rr.name.to_text().lower(), rr.ttl, rd.mname.to_text().lower(),
                    rd.rname.to_text().lower(), rd.refresh, rd.retry, rd.expire,
                    rd.minimum) for rd in rr]
    return {"rcode": dns.rcode.to_text(resp.rcode()), "aa": bool(resp.flags & dns.flags.AA),
            "answer": rrs, "negative_soa": sorted(soa)}


def wait_ready(proc, port, name, rtype, timeout):
    """Seconds from start until `name` is answered NOERROR with data."""
    deadline = proc.started + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not proc.alive():
            raise Error("exited (code %s) before answering:\n%s"
                        % (proc.popen.returncode, proc.log_tail()))
        try:
            resp = query_udp(port, name, rtype, 0.2)
            if resp.rcode() == dns.rcode.NOERROR and resp.answer:
                return time.monotonic() - proc.started
            last = dns.rcode.to_text(resp.rcode())
        except (OSError, dns.exception.DNSException) as exc:
            last = type(exc).__name__
        time.sleep(0.02)
    raise Error("no answer for %s %s within %.0f s (last: %s):\n%s"
                % (name, rtype, timeout, last, proc.log_tail()))


# ------------------------------------------------------------ dnsperf

def dnsperf_argv(port, queries, proto, seconds, clients=4, outstanding=500, timeout=2,
                 qps=0, verbose=False, cpu=1):
    argv = ["taskset", "-c", str(cpu), tool("dnsperf"), "-s", ADDR, "-p", str(port),
            "-d", queries, "-m", proto, "-l", str(seconds), "-c", str(clients),
            "-q", str(outstanding), "-t", str(timeout)]
    if qps:
        argv += ["-Q", str(qps)]
    if verbose:
        argv.append("-v")
    return argv


def parse_dnsperf(text):
    stats = text.split("Connection Statistics:")[0]

    def num(pattern, conv=float):
        m = re.search(pattern, stats)
        return conv(m.group(1)) if m else None

    res = {
        "sent": num(r"Queries sent:\s+(\d+)", int),
        "completed": num(r"Queries completed:\s+(\d+)", int),
        "lost": num(r"Queries lost:\s+(\d+)", int),
        "run_s": num(r"Run time \(s\):\s+([\d.]+)"),
        "qps": num(r"Queries per second:\s+([\d.]+)"),
        "latency_avg_s": num(r"Average Latency \(s\):\s+([\d.]+)"),
        "latency_sd_s": num(r"Latency StdDev \(s\):\s+([\d.]+)"),
        "rcodes": {},
    }
    m = re.search(r"Response codes:\s+(.*)", stats)
    if m:
        res["rcodes"] = {c: int(n) for c, n in re.findall(r"([A-Z]+) (\d+) \(", m.group(1))}
    if res["qps"] is None or res["completed"] is None:
        raise Error("cannot read dnsperf's report:\n" + text[-1500:])
    return res


def percentiles(text):
    """p50/p99 from dnsperf -v lines: '> RCODE name type latency'."""
    lat = []
    for line in text.splitlines():
        if line.startswith("> "):
            parts = line.split()
            if len(parts) >= 5 and parts[1] not in ("T", "I"):
                try:
                    lat.append(float(parts[-1]))
                except ValueError:
                    pass
    if not lat:
        return None
    lat.sort()
    pick = lambda p: lat[min(len(lat) - 1, int(p / 100.0 * (len(lat) - 1) + 0.5))]
    return {"p50_s": pick(50), "p99_s": pick(99), "samples": len(lat)}


def run_dnsperf(argv, out_path, seconds, cpu_source=None):
    """Run one bounded dnsperf; returns its numbers plus the server CPU used."""
    before = cpu_source.cpu_seconds() if cpu_source else {}
    p = Proc(argv, out_path)
    client_util = None
    try:
        while p.popen.poll() is None:
            elapsed = time.monotonic() - p.started
            if elapsed <= seconds:
                # dnsperf's own CPU while sending (not while it waits -t for stragglers),
                # last sampled just before -l runs out: near 100% means the client,
                # not the server, set the pace.
                st = _stat(p.pid)
                if st and elapsed > 0.5:
                    client_util = st["cpu"] / TICKS / elapsed
            if elapsed > seconds + 30:
                raise Error("dnsperf ran past its -l %d s bound" % seconds)
            time.sleep(0.02)
    finally:
        p.stop()
    after = cpu_source.cpu_seconds() if cpu_source else {}
    with open(out_path, errors="replace") as f:
        text = f.read()
    os.remove(out_path)
    if p.popen.returncode != 0:
        raise Error("dnsperf failed (%s):\n%s" % (p.popen.returncode, text[-1500:]))
    res = parse_dnsperf(text)
    res["server_cpu_s"] = cpu_delta(before, after)
    res["client_cpu_util"] = client_util
    if "-v" in argv:
        res["percentiles"] = percentiles(text)
    return res


def median(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def markdown(headers, rows):
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---" if i == 0 or i == len(headers) - 1 else "--:"
                            for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def zone_missing_from(zone_path, records_text):
    """Records of the zone file that `clusterdns records` does not print
    (SOA compared without its serial)."""
    def key(owner, ttl, rtype, rdata):
        fields = rdata.lower().split()
        if rtype.upper() == "SOA" and len(fields) == 7:
            del fields[2]
        return (owner.lower().rstrip(".") + ".", int(ttl), rtype.upper(), " ".join(fields))

    served = set()
    for line in records_text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        owner, ttl, _cls, rtype, rdata = line.split(None, 4)
        served.add(key(owner, ttl, rtype, rdata))
    missing = []
    with open(zone_path) as f:
        for line in f:
            if not line.strip() or line[0] in ";$":
                continue
            owner, ttl, _cls, rtype, rdata = line.split(None, 4)
            if key(owner, ttl, rtype, rdata) not in served:
                missing.append(line.strip())
    return missing


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])
