#!/usr/bin/env python3
"""Cache-hit QPS of forwarded names: clusterdns versus dnsmasq and Unbound (issue 7).

Each server forwards to the same loopback upstream (NSD serving `bench.test`, N names),
every answer is cached by a warm-up pass, then interleaved rounds of dnsperf measure
pure cache hits. Everything listens on free 127.0.0.1 ports; the servers run pinned
with `taskset -c 0` (one serving thread each), dnsperf with `taskset -c 1`.

    tools/bench/forward_cache_bench.py [--clusterdns build-release/bin/clusterdns]
        [--servers clusterdns,dnsmasq,unbound] [--names 1000] [--rounds 3]
        [--duration 5] [--json PATH] [--no-install]

dnsmasq (`dnsmasq-base`: the binary without a system service) and Unbound are installed
with apt when missing, under a policy-rc.d that forbids starting services (as
scripts/setup.sh does). Prints a Markdown table: QPS (median over rounds), server CPU
seconds per million queries (median), server CPU %, lost queries, NOERROR %.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLK_TCK = os.sysconf("SC_CLK_TCK")
ZONE = "bench.test"


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- setup ------------------------------------------------------------------------------


def ensure_packages(packages):
    """apt-get installs what is missing; daemons must not start as system services."""
    missing = []
    for package in packages:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True)
        if "install ok installed" not in status.stdout:
            missing.append(package)
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log(f"installing {' '.join(missing)}")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    policy = "/usr/sbin/policy-rc.d"
    created = False
    if not os.path.exists(policy):
        subprocess.run(sudo + ["sh", "-c", f"printf '#!/bin/sh\\nexit 101\\n' > {policy} && "
                               f"chmod +x {policy}"], check=True)
        created = True
    try:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] +
                       missing, check=True, env=env)
    finally:
        if created:
            subprocess.run(sudo + ["rm", "-f", policy])
    if shutil.which("systemctl") and os.path.isdir("/run/systemd/system"):
        for service in ("unbound", "dnsmasq"):
            subprocess.run(sudo + ["systemctl", "disable", "--now", service],
                           capture_output=True)


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 at the time of the call."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port")


def address_of(index):
    return f"198.18.{index // 250}.{index % 250 + 1}"


def write_upstream(workdir, names):
    zone = [f"$ORIGIN {ZONE}.", "$TTL 3600",
            f"@ IN SOA ns.{ZONE}. hostmaster.{ZONE}. 1 3600 600 86400 3600",
            f"@ IN NS ns.{ZONE}.", "ns IN A 127.0.0.1"]
    zone += [f"h{i} IN A {address_of(i)}" for i in range(names)]
    with open(os.path.join(workdir, "bench.zone"), "w") as out:
        out.write("\n".join(zone) + "\n")
    port = free_port()
    with open(os.path.join(workdir, "nsd.conf"), "w") as out:
        out.write(f"""server:
  server-count: 1
  ip-address: 127.0.0.1@{port}
  port: {port}
  do-ip4: yes
  do-ip6: no
  reuseport: no
  username: ""
  chroot: ""
  zonesdir: "{workdir}"
  database: ""
  zonefiles-write: 0
  zonelistfile: "{workdir}/zone.list"
  xfrdfile: "{workdir}/xfrd.state"
  xfrdir: "{workdir}"
  pidfile: "{workdir}/nsd.pid"
  logfile: "{workdir}/nsd.log"
  verbosity: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
  rrl-size: 1
remote-control:
  control-enable: no
zone:
  name: "{ZONE}"
  zonefile: "{workdir}/bench.zone"
""")
    return port


def server_commands(name, args, workdir, upstream_port):
    """(argv, port) of `name` forwarding everything to the upstream on one CPU."""
    port = free_port()
    upstream = f"127.0.0.1:{upstream_port}"
    if name == "clusterdns":
        manifests = os.path.join(workdir, "manifests")
        os.makedirs(manifests, exist_ok=True)
        argv = [args.clusterdns, "serve", "--manifests", manifests, "--listen",
                f"127.0.0.1:{port}", "--threads", "1", "--upstream", upstream,
                "--cache-size", str(max(10000, 2 * args.names))]
    elif name == "dnsmasq":
        argv = [shutil.which("dnsmasq") or "/usr/sbin/dnsmasq", "--keep-in-foreground",
                "--conf-file=/dev/null", f"--port={port}", "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=",
                f"--server=127.0.0.1#{upstream_port}", f"--cache-size={max(10000, 2 * args.names)}",
                "--dns-forward-max=1000", "--user=root"]
    elif name == "unbound":
        conf = os.path.join(workdir, "unbound.conf")
        with open(conf, "w") as out:
            out.write(f"""server:
  interface: 127.0.0.1
  port: {port}
  num-threads: 1
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{workdir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 0
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  do-not-query-localhost: no
  qname-minimisation: no
  so-reuseport: no
  msg-cache-size: 64m
  rrset-cache-size: 64m
  prefetch: no
  minimal-responses: yes
  ratelimit: 0
  ip-ratelimit: 0
  statistics-interval: 0
  # test. is one of Unbound's built-in local zones (RFC 6761): forward it instead.
  local-zone: "test." nodefault
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@{upstream_port}
""")
        argv = [shutil.which("unbound") or "/usr/sbin/unbound", "-d", "-c", conf]
    else:
        raise ValueError(name)
    return argv, port


# --- measuring --------------------------------------------------------------------------


def query_packet(name, qid):
    packet = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        packet += bytes([len(label)]) + label.encode()
    return packet + b"\0" + struct.pack(">HH", 1, 1)


def ask_a(port, name, timeout=0.5):
    """The A addresses of `name` through 127.0.0.1:port, or None without an answer."""
    qid = random.randrange(65536)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(query_packet(name, qid), ("127.0.0.1", port))
        try:
            reply = sock.recv(4096)
        except socket.timeout:
            return None
    if len(reply) < 12 or struct.unpack(">H", reply[:2])[0] != qid:
        return None
    ancount = struct.unpack(">H", reply[6:8])[0]
    # A records end the packet in these answers (no OPT was sent): take 4-octet RDATA.
    offset, addresses = 12, []
    while reply[offset] != 0:
        offset += reply[offset] + 1
    offset += 5
    for _ in range(ancount):
        if reply[offset] & 0xC0 == 0xC0:
            offset += 2
        else:
            while reply[offset] != 0:
                offset += reply[offset] + 1
            offset += 1
        rtype, _, _, rdlength = struct.unpack(">HHIH", reply[offset:offset + 10])
        offset += 10
        if rtype == 1 and rdlength == 4:
            addresses.append(socket.inet_ntoa(reply[offset:offset + 4]))
        offset += rdlength
    return addresses


def wait_ready(port, name, expected, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ask_a(port, name) == [expected]:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def dnsperf(port, queries, args, duration):
    argv = ["taskset", "-c", "1", "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries,
            "-l", str(duration), "-c", str(args.clients), "-q", str(args.outstanding), "-t", "2"]
    output = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30).stdout

    def number(pattern, default=0.0):
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    return {
        "qps": number(r"Queries per second:\s+([\d.]+)"),
        "sent": number(r"Queries sent:\s+(\d+)"),
        "completed": number(r"Queries completed:\s+(\d+)"),
        "lost": number(r"Queries lost:\s+(\d+)"),
        "noerror": number(r"NOERROR (\d+)"),
        "elapsed": number(r"Run time \(s\):\s+([\d.]+)", duration),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clusterdns", default=os.path.join(ROOT, "build-release/bin/clusterdns"))
    parser.add_argument("--servers", default="clusterdns,dnsmasq,unbound")
    parser.add_argument("--names", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--outstanding", type=int, default=500)
    parser.add_argument("--json")
    parser.add_argument("--no-install", action="store_true")
    args = parser.parse_args()
    servers = [name for name in args.servers.split(",") if name]

    packages = {"dnsmasq": "dnsmasq-base", "unbound": "unbound"}
    if not args.no_install:
        ensure_packages(["nsd", "dnsperf"] + [packages[s] for s in servers if s in packages])
    if "clusterdns" in servers and not os.access(args.clusterdns, os.X_OK):
        sys.exit(f"no clusterdns binary at {args.clusterdns} (give --clusterdns)")

    workdir = tempfile.mkdtemp(prefix="forward-cache-bench-")
    processes = []
    try:
        upstream_port = write_upstream(workdir, args.names)
        nsd = subprocess.Popen(["/usr/sbin/nsd", "-d", "-c", os.path.join(workdir, "nsd.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
        processes.append(nsd)
        if not wait_ready(upstream_port, f"h0.{ZONE}", address_of(0)):
            sys.exit("NSD did not answer")

        queries = os.path.join(workdir, "queries.txt")
        order = list(range(args.names))
        random.Random(7).shuffle(order)
        with open(queries, "w") as out:
            out.writelines(f"h{i}.{ZONE} A\n" for i in order)

        running = {}
        for name in servers:
            argv, port = server_commands(name, args, workdir, upstream_port)
            process = subprocess.Popen(["taskset", "-c", "0"] + argv, stdout=subprocess.DEVNULL,
                                       stderr=open(os.path.join(workdir, f"{name}.log"), "w"),
                                       start_new_session=True)
            processes.append(process)
            if not wait_ready(port, f"h0.{ZONE}", address_of(0)):
                with open(os.path.join(workdir, f"{name}.log")) as server_log:
                    sys.exit(f"{name} did not answer:\n{server_log.read()[-2000:]}")
            # Warm-up: every name once, checked, so every answer is then in the cache.
            wrong = [i for i in order if ask_a(port, f"h{i}.{ZONE}", 2) != [address_of(i)]]
            if wrong:
                sys.exit(f"{name}: wrong answers for {len(wrong)} names (e.g. h{wrong[0]})")
            dnsperf(port, queries, args, 1)  # unrecorded load
            running[name] = (process.pid, port)
            log(f"{name}: ready on 127.0.0.1:{port}")

        results = {name: [] for name in servers}
        for round_index in range(args.rounds):
            for name in servers:
                pid, port = running[name]
                before = cpu_seconds(pid)
                run = dnsperf(port, queries, args, args.duration)
                run["cpu"] = cpu_seconds(pid) - before
                results[name].append(run)
                log(f"round {round_index + 1} {name}: {run['qps']:.0f} q/s, "
                    f"cpu {run['cpu']:.2f} s")
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"Cache hits: {args.names} names of {ZONE} forwarded to NSD, warmed, "
          f"{args.rounds} rounds x {args.duration} s, dnsperf -c {args.clients} "
          f"-q {args.outstanding}\n")
    print("| server | QPS median | CPU s per 1M q | server CPU % | lost | NOERROR % |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in servers:
        runs = results[name]
        qps = statistics.median(run["qps"] for run in runs)
        per_million = statistics.median(
            run["cpu"] / run["completed"] * 1e6 for run in runs if run["completed"])
        busy = statistics.median(100 * run["cpu"] / run["elapsed"] for run in runs)
        lost = sum(run["lost"] for run in runs)
        completed = sum(run["completed"] for run in runs)
        noerror = 100 * sum(run["noerror"] for run in runs) / completed if completed else 0
        print(f"| {name} | {qps:,.0f} | {per_million:.2f} | {busy:.0f} | {lost:.0f} | "
              f"{noerror:.1f} |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
