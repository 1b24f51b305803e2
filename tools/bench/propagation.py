#!/usr/bin/python3
"""How fast a manifest change reaches DNS answers, under a steady query load.

clusterdns serves a generated cluster (gen_cluster.py) plus a headless
Service `probe` in ns-0 that selects exactly one Pod, kept in
pods/changing.yaml. Each change writes pods/changing.yaml.tmp with that Pod
at a new IP and renames it over pods/changing.yaml (an atomic replace, as
kubectl-style tooling and ConfigMap volumes do); the clock starts at the
rename and stops at the first UDP answer for probe.ns-0.svc.<domain> A that
is exactly the new IP. Polling is a tight loop of UDP queries with 50 ms
timeouts, back to back (--poll-interval), bounded by --change-timeout
per change.

Meanwhile dnsperf sends a fixed moderate rate (-Q, default 5,000 qps) of the
usual query mix over UDP on other names; its lost queries and SERVFAIL
answers are reported. The load is bounded by dnsperf -l and stopped with
SIGINT (dnsperf then prints its report) once the changes are done.

Modes:
  propagation  --changes (200) changes in each directory size of --objects
               (1000,50000): p50 / p99 / max of the change-to-answer time
  reloads      --reloads (1000) changes at --reload-objects (1000) objects:
               queries lost and answered SERVFAIL while reloading
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchkit as bk  # noqa: E402
import gen_cluster  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
PROBE_NS = "ns-0"

PROBE_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: probe
  namespace: %s
spec:
  clusterIP: None
  selector:
    app: probe
  ports:
  - name: http
    port: 80
    targetPort: http
""" % PROBE_NS


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--clusterdns", default=os.path.join(REPO, "build-release", "bin",
                                                        "clusterdns"))
    p.add_argument("--mode", choices=("propagation", "reloads", "both"), default="both")
    p.add_argument("--objects", default="1000,50000",
                   help="directory sizes for the propagation mode (default %(default)s)")
    p.add_argument("--changes", type=int, default=200, help="changes per size (default 200)")
    p.add_argument("--reloads", type=int, default=1000,
                   help="changes in the reloads mode (default 1000)")
    p.add_argument("--reload-objects", type=int, default=1000,
                   help="directory size for the reloads mode (default 1000)")
    p.add_argument("-Q", "--load-qps", type=int, default=5000,
                   help="steady dnsperf rate during the changes (default 5000; 0 = none)")
    p.add_argument("--change-timeout", type=float, default=30.0,
                   help="seconds a change may take to show before it counts as "
                        "missed (default 30)")
    p.add_argument("--poll-interval", type=float, default=0.0,
                   help="milliseconds between polling queries (default 0: back to "
                        "back, each waiting for its answer)")
    p.add_argument("--threads", type=int, default=1, help="clusterdns serve --threads")
    p.add_argument("--json", metavar="PATH")
    p.add_argument("--keep-workdir", action="store_true")
    a = p.parse_args(argv)
    a.objects = [int(x) for x in a.objects.split(",") if x.strip()]
    if a.changes < 1 or a.reloads < 1 or not all(n >= 30 for n in a.objects):
        p.error("--changes/--reloads >= 1, --objects sizes >= 30")
    return a


def pod_ip(i):
    """A fresh IP for change i, outside the generated pod range."""
    return "10.250.%d.%d" % ((i // 250) % 256, i % 250 + 1)


def write_pod(path, ip):
    with open(path, "w") as f:
        f.write(gen_cluster.pod_yaml("changing", PROBE_NS, "probe", ip))


def pct(sorted_values, p):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1,
                             int(p / 100.0 * (len(sorted_values) - 1) + 0.5))]


class Poller:
    """Counts what the polling queries saw (besides the wanted answer)."""

    def __init__(self, port, name):
        self.port, self.name = port, name
        self.queries = self.timeouts = self.servfail = 0

    def wait_for(self, ip, t0, timeout, interval):
        want = [ip]
        first = True
        while time.monotonic() - t0 < timeout:
            if not first and interval:
                time.sleep(interval)
            first = False
            self.queries += 1
            try:
                resp = bk.query_udp(self.port, self.name, "A", 0.05)
            except (OSError, bk.dns.exception.DNSException):
                self.timeouts += 1
                continue
            if resp.rcode() == bk.dns.rcode.SERVFAIL:
                self.servfail += 1
            got = sorted(rd.address for rr in resp.answer for rd in rr
                         if rr.rdtype == bk.dns.rdatatype.A)
            if got == want:
                return time.monotonic() - t0
        return None


def session(args, objects, changes, workdir, label):
    """Serve a cluster of `objects`, make `changes` changes under load."""
    tag = "%s-%d" % (label, objects)
    data = os.path.join(workdir, "data-" + tag)
    summary = gen_cluster.generate(data, objects=objects, queries=50000)
    manifests = os.path.join(data, "manifests")
    with open(os.path.join(manifests, "probe.yaml"), "w") as f:
        f.write(PROBE_SERVICE)
    pods = os.path.join(manifests, "pods")
    os.makedirs(pods, exist_ok=True)
    final, tmp = os.path.join(pods, "changing.yaml"), os.path.join(pods, "changing.yaml.tmp")
    write_pod(final, pod_ip(0))
    total_objects = summary["objects"]["services_and_pods"] + 2

    port = bk.free_port()
    argv = ["taskset", "-c", "0", args.clusterdns, "serve", "--manifests", manifests,
            "--listen", "%s:%d" % (bk.ADDR, port), "--threads", str(args.threads),
            "--upstream", "none"]
    server = bk.Proc(argv, os.path.join(workdir, "clusterdns-%s.log" % tag))
    name = "probe.%s.svc.%s" % (PROBE_NS, summary["domain"])
    ready = bk.wait_ready(server, port, name, "A", 300)
    print("%s: %d objects, ready after %.2f s on port %d; load %s" % (
        label, total_objects, ready, port, bk.load_average()), flush=True)

    # Steady load, bounded by -l, interrupted (SIGINT) when the changes are done.
    bound = int(min(3600, 60 + changes * (args.change_timeout + 1)))
    load = None
    load_out = os.path.join(workdir, "dnsperf-%s.out" % tag)
    if args.load_qps:
        load = bk.Proc(bk.dnsperf_argv(port, os.path.join(data, "queries.txt"), "udp", bound,
                                       clients=4, outstanding=100, timeout=2,
                                       qps=args.load_qps), load_out)
        time.sleep(1.0)  # let the load settle before the first change

    poller = Poller(port, name)
    times, missed = [], 0
    cpu0 = server.cpu_seconds()
    t_start = time.monotonic()
    for i in range(1, changes + 1):
        ip = pod_ip(i)
        write_pod(tmp, ip)
        t0 = time.monotonic()
        os.rename(tmp, final)
        elapsed = poller.wait_for(ip, t0, args.change_timeout, args.poll_interval / 1e3)
        if elapsed is None:
            missed += 1
        else:
            times.append(elapsed)
        if not server.alive():
            raise bk.Error("clusterdns exited during change %d:\n%s" % (i, server.log_tail()))
        time.sleep(0.01 * (i % 5))  # vary the phase against the watcher's timers
        if i % 50 == 0:
            print("  %d/%d changes, last %.1f ms" % (
                i, changes, (elapsed or float("nan")) * 1e3), flush=True)
    wall = time.monotonic() - t_start
    cpu = bk.cpu_delta(cpu0, server.cpu_seconds())

    dnsperf = None
    if load:
        time.sleep(0.5)
        os.killpg(load.pid, signal.SIGINT)
        try:
            load.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        load.stop()
        with open(load_out, errors="replace") as f:
            text = f.read()
        dnsperf = bk.parse_dnsperf(text)
        m = re.search(r"Queries interrupted:\s+(\d+)", text)
        dnsperf["interrupted"] = int(m.group(1)) if m else 0
    memory = server.memory_kib()
    server.stop()

    in_order = list(times)
    times.sort()
    result = {
        "label": label, "objects": total_objects, "changes": changes, "ready_s": ready,
        "observed": len(times), "missed": missed,
        "p50_ms": pct(times, 50) * 1e3 if times else None,
        "p99_ms": pct(times, 99) * 1e3 if times else None,
        "max_ms": times[-1] * 1e3 if times else None,
        "mean_ms": sum(times) / len(times) * 1e3 if times else None,
        "wall_s": wall, "server_cpu_s": cpu, "memory_kib": memory,
        "poll_queries": poller.queries, "poll_timeouts": poller.timeouts,
        "poll_servfail": poller.servfail, "times_ms": [t * 1e3 for t in in_order],
        "load": None,
    }
    if dnsperf:
        result["load"] = {"qps": args.load_qps, "sent": dnsperf["sent"],
                          "completed": dnsperf["completed"], "lost": dnsperf["lost"],
                          "interrupted": dnsperf["interrupted"],
                          "servfail": dnsperf["rcodes"].get("SERVFAIL", 0),
                          "rcodes": dnsperf["rcodes"]}
    return result


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def run(args):
    bk.tool("taskset")
    bk.tool("dnsperf")
    if not os.access(args.clusterdns, os.X_OK):
        raise bk.Error("%s is not built; run scripts/bench.sh --propagation" % args.clusterdns)
    os.sched_setaffinity(0, {1})  # the poller shares CPU 1 with dnsperf, not the server
    workdir = bk.temp_dir(args.keep_workdir)
    results = {"settings": vars(args), "load_before": bk.load_average(), "sessions": []}
    plan = []
    if args.mode in ("propagation", "both"):
        plan += [(n, args.changes, "propagation") for n in args.objects]
    if args.mode in ("reloads", "both"):
        plan.append((args.reload_objects, args.reloads, "reloads"))
    for objects, changes, label in plan:
        results["sessions"].append(session(args, objects, changes, workdir, label))
    results["load_after"] = bk.load_average()

    headers = ["mode", "objects", "changes", "seen", "p50 ms", "p99 ms", "max ms",
               "load qps", "load sent", "lost", "SERVFAIL", "poll timeouts", "status"]
    rows = []
    bad = False
    for r in results["sessions"]:
        load = r["load"] or {}
        problems = []
        if r["missed"]:
            problems.append("%d changes not seen in %.0f s" % (r["missed"], args.change_timeout))
        if load.get("lost"):
            problems.append("%d queries lost" % load["lost"])
        if load.get("servfail") or r["poll_servfail"]:
            problems.append("%d SERVFAIL" % (load.get("servfail", 0) + r["poll_servfail"]))
        status = "; ".join(problems) or "ok"
        bad = bad or bool(problems)
        rows.append([r["label"], "{:,}".format(r["objects"]), r["changes"], r["observed"],
                     fmt(r["p50_ms"]), fmt(r["p99_ms"]), fmt(r["max_ms"]),
                     "{:,}".format(load["qps"]) if load else "-",
                     "{:,}".format(load["sent"]) if load else "-",
                     load.get("lost", "-"), load.get("servfail", "-"),
                     r["poll_timeouts"], status])
    print()
    print(bk.markdown(headers, rows))
    print()
    print("load average: %s before, %s after; clusterdns --threads %d pinned to CPU 0, "
          "dnsperf and the poller on CPU 1" % (results["load_before"], results["load_after"],
                                              args.threads))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")
        print("results: %s" % args.json)
    return 1 if bad else 0


def main(argv=None):
    args = parse_args(argv)
    bk.install_cleanup()
    try:
        return run(args)
    except bk.Error as exc:
        bk.log("propagation: error: %s" % exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
