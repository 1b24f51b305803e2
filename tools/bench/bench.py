#!/usr/bin/python3
"""clusterdns beside NSD and Knot DNS: throughput, latency, CPU per query, memory.

One generated cluster (gen_cluster.py) is served by every server: clusterdns
reads the manifests, NSD and Knot DNS the equivalent zone file. Before any
load, the zone file is checked against `clusterdns records`, and a sample of
answers from each server is compared with NSD's. Then dnsperf loads each
server in interleaved rounds (A B C A B C ...), over UDP and/or TCP.

Servers run pinned to CPU 0 (taskset -c 0), dnsperf to CPU 1, all on
127.0.0.1 with free ports; each load run is bounded by dnsperf -l; every
process started here is stopped at exit (also on Ctrl-C or SIGTERM).

Usually run through scripts/bench.sh, which builds clusterdns first.
"""

import argparse
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchkit as bk  # noqa: E402
import gen_cluster  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
SERVERS = ("clusterdns", "nsd", "knot")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--clusterdns", default=os.path.join(REPO, "build-release", "bin",
                                                        "clusterdns"),
                   help="binary to measure (default: %(default)s)")
    p.add_argument("--servers", default=",".join(SERVERS),
                   help="comma-separated subset of %s (default: all)" % ",".join(SERVERS))
    p.add_argument("--proto", choices=("udp", "tcp", "both"), default="both")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    p.add_argument("--duration", "-l", type=int, default=5,
                   help="seconds per dnsperf run, dnsperf -l (default 5)")
    p.add_argument("--warmup", type=int, default=1,
                   help="unrecorded seconds of load per server first (default 1)")
    p.add_argument("--threads", type=int, default=1,
                   help="clusterdns serve --threads (default 1, like NSD and Knot here)")
    p.add_argument("--clients", "-c", type=int, default=4, help="dnsperf -c (default 4)")
    p.add_argument("--outstanding", "-q", type=int, default=500,
                   help="dnsperf -q (default 500)")
    p.add_argument("--percentiles", action="store_true",
                   help="dnsperf -v: report p50/p99 latency (use with -Q)")
    p.add_argument("-Q", "--qps", type=int, default=0,
                   help="dnsperf -Q rate limit; 0 = as fast as possible (default)")
    p.add_argument("--size", type=int, default=2100,
                   help="Services + Pods in the generated cluster (default 2100: "
                        "1,000 ClusterIP + 100 headless Services, 1,000 Pods)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", help="data set directory to use or create (default: a temp "
                                  "dir, removed at exit)")
    p.add_argument("--sample", type=int, default=50,
                   help="queries.txt lines compared with NSD before loading (default 50)")
    p.add_argument("--start-timeout", type=float, default=60)
    p.add_argument("--json", metavar="PATH", help="write every number to this file")
    p.add_argument("--keep-workdir", action="store_true",
                   help="keep configs and logs (the path is printed)")
    a = p.parse_args(argv)
    a.servers = [s.strip() for s in a.servers.split(",") if s.strip()]
    for s in a.servers:
        if s not in SERVERS:
            p.error("unknown server %r (have %s)" % (s, ", ".join(SERVERS)))
    if not a.servers:
        p.error("no servers")
    if not 1 <= a.duration <= 300 or a.rounds < 1 or not 0 <= a.warmup <= 30:
        p.error("--duration 1..300, --rounds >= 1, --warmup 0..30")
    return a


# ------------------------------------------------------------- servers

NSD_CONF = """server:
    server-count: 1
    ip-address: {addr}@{port}
    port: {port}
    do-ip4: yes
    do-ip6: no
    username: ""
    chroot: ""
    database: ""
    zonesdir: "{w}"
    zonelistfile: "{w}/zone.list"
    xfrdfile: "{w}/xfrd.state"
    xfrdir: "{w}"
    pidfile: "{w}/nsd.pid"
    logfile: "{w}/nsd.log"
    zonefiles-write: 0
    hide-version: yes
    # response rate limiting off; a tiny table so it does not count as memory
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    rrl-size: 1
remote-control:
    control-enable: no
zone:
    name: "{domain}"
    zonefile: "{zone}"
"""

KNOT_CONF = """server:
    rundir: "{w}"
    pidfile: "{w}/knot.pid"
    listen: {addr}@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "{w}/db"
control:
    listen: "{w}/knot.sock"
log:
  - target: stderr
    any: notice
template:
  - id: default
    storage: "{w}"
    journal-content: none
    zonefile-sync: -1
    zonefile-load: whole
zone:
  - domain: {domain}
    file: "{zone}"
"""


def server_argv(name, args, data, workdir, port):
    values = {"addr": bk.ADDR, "port": port, "w": workdir, "domain": data["domain"],
              "zone": data["zone"]}
    if name == "clusterdns":
        return [args.clusterdns, "serve", "--manifests", data["manifests"], "--listen",
                "%s:%d" % (bk.ADDR, port), "--threads", str(args.threads),
                "--upstream", "none"]
    if name == "nsd":
        conf = os.path.join(workdir, "nsd.conf")
        with open(conf, "w") as f:
            f.write(NSD_CONF.format(**values))
        check = subprocess.run([bk.tool("nsd-checkconf"), conf], capture_output=True,
                               text=True, timeout=30)
        if check.returncode != 0:
            raise bk.Error("nsd-checkconf: " + (check.stdout + check.stderr).strip())
        return [bk.tool("nsd"), "-d", "-c", conf]
    os.makedirs(os.path.join(workdir, "db"), exist_ok=True)
    conf = os.path.join(workdir, "knot.conf")
    with open(conf, "w") as f:
        f.write(KNOT_CONF.format(**values))
    return [bk.tool("knotd"), "-c", conf]


class Server:
    def __init__(self, name, args, data, workdir):
        self.name = name
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.port = bk.free_port()
        argv = ["taskset", "-c", "0"] + server_argv(name, args, data, self.dir, self.port)
        self.command = " ".join(argv)
        self.proc = bk.Proc(argv, os.path.join(self.dir, "server.log"))
        self.ready_s = bk.wait_ready(self.proc, self.port, data["probe"], "A",
                                     args.start_timeout)


# ---------------------------------------------------------- measuring

def data_set(args, workdir):
    path = args.data or os.path.join(workdir, "data")
    summary_path = os.path.join(path, "summary.json")
    summary = None
    if os.path.exists(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)
        if summary["parameters"]["objects"] != args.size or \
                summary["parameters"]["seed"] != args.seed:
            summary = None
    if summary is None:
        bk.log("generating a cluster of %d objects in %s" % (args.size, path))
        summary = gen_cluster.generate(path, objects=args.size, seed=args.seed)
    return {"path": path, "summary": summary, "domain": summary["domain"],
            "manifests": os.path.join(path, summary["files"]["manifests"]),
            "zone": os.path.join(path, summary["files"]["zone"]),
            "queries": os.path.join(path, summary["files"]["queries"]),
            "probe": summary["probe"]["clusterip"] or summary["probe"]["headless"]}


def check_zone(args, data):
    """Every record given to NSD and Knot must be one clusterdns serves."""
    out = subprocess.run([args.clusterdns, "records", "--manifests", data["manifests"]],
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise bk.Error("clusterdns records failed:\n" + out.stderr[-1500:])
    missing = bk.zone_missing_from(data["zone"], out.stdout)
    if missing:
        raise bk.Error("%d zone records are not served by clusterdns, e.g.:\n  %s"
                       % (len(missing), "\n  ".join(missing[:5])))
    print("zone check: all %d zone-file records are in `clusterdns records`"
          % data["summary"]["records"]["total"])


def sample_queries(data, n):
    with open(data["queries"]) as f:
        lines = [line.split() for line in f if line.strip()]
    step = max(1, len(lines) // max(1, n))
    picked = [tuple(x[:2]) for x in lines[::step]][:n]
    d, probe = data["domain"], data["summary"]["probe"]
    fixed = [(d, "SOA"), (d, "NS"), ("ns.dns." + d, "A"), ("dns-version." + d, "TXT"),
             ("nothing-here.ns-0.svc." + d, "A")]
    for key in ("clusterip", "headless"):
        if probe[key]:
            fixed += [(probe[key], "A"), ("_http._tcp." + probe[key], "SRV"),
                      (probe[key], "AAAA")]
    if probe["endpoint"]:
        fixed.append((probe["endpoint"], "A"))
    return fixed + picked


def compare(servers, reference, queries, proto):
    """{server: [mismatch]} against the reference's answers."""
    want = {q: bk.comparable(bk.ask(reference.port, q[0], q[1], proto)) for q in queries}
    result = {}
    for s in servers:
        if s is reference:
            continue
        bad = []
        for q in queries:
            try:
                got = bk.comparable(bk.ask(s.port, q[0], q[1], proto))
            except Exception as exc:  # a timeout or a malformed answer is a mismatch
                got = {"error": repr(exc)}
            if got != want[q]:
                bad.append({"query": "%s %s" % q, "expected": want[q], "got": got})
        result[s.name] = bad
    return result


def measure(args, servers, data, workdir, proto):
    def argv(s, seconds):
        return bk.dnsperf_argv(s.port, data["queries"], proto, seconds, args.clients,
                               args.outstanding, 2, args.qps, args.percentiles)

    out = os.path.join(workdir, "dnsperf.out")
    for s in servers:
        if args.warmup:
            bk.run_dnsperf(argv(s, args.warmup), out, args.warmup)
    runs = {s.name: [] for s in servers}
    for rnd in range(args.rounds):
        for s in servers:
            if not s.proc.alive():
                runs[s.name].append(None)
                continue
            res = bk.run_dnsperf(argv(s, args.duration), out, args.duration, s.proc)
            runs[s.name].append(res)
            print("  %s round %d/%d %-10s %9.0f qps  avg %.3f ms  lost %d  server CPU %.0f%%"
                  % (proto, rnd + 1, args.rounds, s.name, res["qps"],
                     (res["latency_avg_s"] or 0) * 1e3, res["lost"] or 0,
                     100 * res["server_cpu_s"] / (res["run_s"] or args.duration)),
                  flush=True)
    return runs


def summarize(name, runs, base_runs):
    ok = [r for r in runs if r]
    s = {"qps": bk.median(r["qps"] for r in ok)}
    s["vs_nsd"] = bk.median(m["qps"] / b["qps"] for m, b in zip(runs, base_runs or [])
                            if m and b and b["qps"]) if base_runs else None
    s["latency_avg_ms"] = bk.median((r["latency_avg_s"] or 0) * 1e3 for r in ok)
    pct = [r["percentiles"] for r in ok if r.get("percentiles")]
    s["p50_ms"] = bk.median(p["p50_s"] * 1e3 for p in pct)
    s["p99_ms"] = bk.median(p["p99_s"] * 1e3 for p in pct)
    s["sent"] = sum(r["sent"] or 0 for r in ok)
    s["lost"] = sum(r["lost"] or 0 for r in ok)
    rc = {}
    for r in ok:
        for code, n in r["rcodes"].items():
            rc[code] = rc.get(code, 0) + n
    total = sum(rc.values()) or 1
    s["rcodes"] = rc
    s["noerror_pct"] = 100.0 * rc.get("NOERROR", 0) / total
    s["nxdomain_pct"] = 100.0 * rc.get("NXDOMAIN", 0) / total
    s["cpu_s_per_1M"] = bk.median(r["server_cpu_s"] / r["completed"] * 1e6
                                  for r in ok if r["completed"])
    s["server_cpu_pct"] = bk.median(100 * r["server_cpu_s"] / r["run_s"]
                                    for r in ok if r["run_s"])
    s["dnsperf_cpu_pct"] = bk.median(100 * r["client_cpu_util"] for r in ok
                                     if r.get("client_cpu_util") is not None)
    s["complete_rounds"] = len(ok)
    return s


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def table(args, proto, summaries, extra):
    headers = ["server", "QPS median", "vs NSD", "latency avg ms"]
    if args.percentiles:
        headers += ["p50 ms", "p99 ms"]
    headers += ["lost", "NOERROR %", "NXDOMAIN %", "CPU s per 1M q", "server CPU %",
                "dnsperf CPU %", "peak RSS MiB", "PSS MiB", "ready s", "status"]
    rows = []
    for name, s in summaries.items():
        e = extra[name]
        row = [name, fmt(s["qps"], ",.0f"), fmt(s["vs_nsd"], ".3f"),
               fmt(s["latency_avg_ms"], ".3f")]
        if args.percentiles:
            row += [fmt(s["p50_ms"], ".3f"), fmt(s["p99_ms"], ".3f")]
        share = 100.0 * s["lost"] / s["sent"] if s["sent"] else 0
        row += ["%d (%.2f%%)" % (s["lost"], share), fmt(s["noerror_pct"], ".2f"),
                fmt(s["nxdomain_pct"], ".2f"), fmt(s["cpu_s_per_1M"], ".2f"),
                fmt(s["server_cpu_pct"], ".0f"), fmt(s["dnsperf_cpu_pct"], ".0f"),
                fmt(e["memory"]["peak_rss"] / 1024 if e["memory"] else None, ".1f"),
                fmt(e["memory"]["pss"] / 1024 if e["memory"] else None, ".1f"),
                fmt(e["ready_s"], ".2f"), e["status"][proto]]
        rows.append(row)
    return bk.markdown(headers, rows)


def status_of(name, summary, ref_summary, mismatches, alive, rounds):
    problems = []
    if not alive:
        problems.append("died")
    if summary["complete_rounds"] < rounds:
        problems.append("%d of %d rounds" % (summary["complete_rounds"], rounds))
    if mismatches:
        problems.append("answers differ (%d)" % len(mismatches))
    other = set(summary["rcodes"]) - {"NOERROR", "NXDOMAIN"}
    if other:
        problems.append("rcodes %s" % ",".join(sorted(other)))
    if ref_summary and abs(summary["nxdomain_pct"] - ref_summary["nxdomain_pct"]) > 1:
        problems.append("NXDOMAIN share differs")
    return "; ".join(problems) or "ok"


def run(args):
    for t in ("taskset", "dnsperf"):
        bk.tool(t)
    if "clusterdns" in args.servers and not os.access(args.clusterdns, os.X_OK):
        raise bk.Error("%s is not built; run scripts/bench.sh (it builds it)" % args.clusterdns)
    if not {0, 1} <= os.sched_getaffinity(0):
        raise bk.Error("CPUs 0 and 1 are needed (servers on 0, dnsperf on 1)")
    workdir = bk.temp_dir(args.keep_workdir)
    if args.keep_workdir:
        print("workdir (kept): %s" % workdir)
    data = data_set(args, workdir)
    o = data["summary"]["objects"]
    print("data: %d ClusterIP + %d headless Services, %d Pods in %d namespaces; %d zone "
          "RRs; %d queries (70%% A, 10%% SRV, 10%% NXDOMAIN, 10%% AAAA NODATA)"
          % (o["services_clusterip"], o["services_headless"], o["pods"], o["namespaces"],
             data["summary"]["records"]["total"], sum(data["summary"]["queries"].values())))
    if "clusterdns" in args.servers:
        check_zone(args, data)
    print("load before start: %s" % bk.load_average())

    servers = []
    failed = {}
    for name in args.servers:
        try:
            servers.append(Server(name, args, data, workdir))
            s = servers[-1]
            print("%s: ready on %s:%d after %.2f s" % (name, bk.ADDR, s.port, s.ready_s))
        except bk.Error as exc:
            bk.log("%s failed to start: %s" % (name, exc))
            failed[name] = str(exc).splitlines()[0]
    if not servers:
        raise bk.Error("no server started")
    reference = next((s for s in servers if s.name == "nsd"), None)
    queries = sample_queries(data, args.sample)

    protos = ("udp", "tcp") if args.proto == "both" else (args.proto,)
    results = {"settings": vars(args), "load_before": bk.load_average(),
               "data": data["summary"], "failed": failed, "protos": {}}
    tables = []
    for proto in protos:
        mismatches = compare(servers, reference, queries, proto) if reference else {}
        for name, bad in mismatches.items():
            print("answer check (%s, %d queries vs nsd): %s %s"
                  % (proto, len(queries), name,
                     "all equal" if not bad else "%d differ" % len(bad)))
            for m in bad[:5]:
                print("  %s\n    nsd: %s\n    %s: %s" % (m["query"], m["expected"], name,
                                                        m["got"]))
        runs = measure(args, servers, data, workdir, proto)
        base = runs.get("nsd")
        summaries = {s.name: summarize(s.name, runs[s.name], base) for s in servers}
        extra = {}
        for s in servers:
            extra[s.name] = {"memory": s.proc.memory_kib() if s.proc.alive() else None,
                             "ready_s": s.ready_s, "status": {}}
            extra[s.name]["status"][proto] = status_of(
                s.name, summaries[s.name], summaries.get("nsd"), mismatches.get(s.name),
                s.proc.alive(), args.rounds)
        results["protos"][proto] = {"runs": runs, "summary": summaries,
                                    "extra": extra, "mismatches": mismatches}
        tables.append((proto, table(args, proto, summaries, extra)))
    results["load_after"] = bk.load_average()
    for s in servers:
        s.proc.stop()

    print()
    for proto, text in tables:
        print("### %s, %d rounds x %d s, dnsperf -c %d -q %d%s%s, clusterdns --threads %d"
              % (proto.upper(), args.rounds, args.duration, args.clients, args.outstanding,
                 " -Q %d" % args.qps if args.qps else "", " -v" if args.percentiles else "",
                 args.threads))
        print()
        print(text)
        print()
    for name, why in failed.items():
        print("%s: failed: %s" % (name, why))
    print("load average: %s before, %s after (medians over rounds; peak RSS = VmHWM and "
          "PSS summed over the server's processes after the last round)"
          % (results["load_before"], results["load_after"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)
            f.write("\n")
        print("results: %s" % args.json)
    bad = failed or any(st != "ok" for p in results["protos"].values()
                        for e in p["extra"].values() for st in e["status"].values())
    return 1 if bad else 0


def main(argv=None):
    args = parse_args(argv)
    bk.install_cleanup()
    try:
        return run(args)
    except bk.Error as exc:
        bk.log("bench: error: %s" % exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
