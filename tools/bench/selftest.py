#!/usr/bin/python3
"""Quick self-test of the benchmark harness (about a minute).

Checks that: the generator is deterministic (same seed, same bytes); its zone
file holds only records `clusterdns records` prints; bench.py runs all three
servers with equal answers; propagation.py sees every change with nothing lost;
and no temp directory or server process is left behind.

Run: scripts/bench.sh --self-test  (or tools/bench/selftest.py --clusterdns BIN)
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchkit as bk  # noqa: E402
import gen_cluster  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))


def tree_hash(path):
    h = hashlib.sha256()
    for dirpath, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        for name in sorted(files):
            if name == "summary.json":
                continue  # holds the output path
            full = os.path.join(dirpath, name)
            h.update(os.path.relpath(full, path).encode())
            with open(full, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


def leftovers():
    tmp = tempfile.gettempdir()
    dirs = {d for d in os.listdir(tmp) if d.startswith("clusterdns-bench-")}
    # Our servers and dnsperf all name a file in a clusterdns-bench-* temp dir on their
    # command line (config, manifests, queries); other people's processes do not.
    procs = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                if b"/clusterdns-bench-" in f.read():
                    procs.add(int(entry))
        except OSError:
            pass
    return dirs, procs


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clusterdns", default=os.path.join(REPO, "build-release", "bin",
                                                        "clusterdns"))
    a = p.parse_args()
    failures = []

    def check(ok, what):
        print("%s %s" % ("ok  " if ok else "FAIL", what), flush=True)
        if not ok:
            failures.append(what)

    dirs_before, procs_before = leftovers()
    with tempfile.TemporaryDirectory(prefix="clusterdns-selftest-") as tmp:
        one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
        gen_cluster.generate(one, objects=400, seed=7, queries=2000)
        gen_cluster.generate(two, objects=400, seed=7, queries=2000)
        check(tree_hash(one) == tree_hash(two), "gen_cluster: same seed gives the same files")
        gen_cluster.generate(two, objects=400, seed=8, queries=2000)
        check(tree_hash(one) != tree_hash(two), "gen_cluster: another seed gives other files")
        out = subprocess.run([a.clusterdns, "records", "--manifests",
                              os.path.join(one, "manifests")],
                             capture_output=True, text=True, timeout=120)
        missing = bk.zone_missing_from(os.path.join(one, "zone", "cluster.local.zone"),
                                       out.stdout)
        check(out.returncode == 0 and not missing,
              "zone file records are all served by clusterdns (%d missing)" % len(missing))

    py = sys.executable
    rc = subprocess.run([py, os.path.join(HERE, "bench.py"), "--clusterdns", a.clusterdns,
                         "--rounds", "1", "--duration", "1", "--warmup", "0", "--size", "300",
                         "--proto", "both"], timeout=300).returncode
    check(rc == 0, "bench.py: three servers, equal answers, status ok (exit %d)" % rc)
    rc = subprocess.run([py, os.path.join(HERE, "propagation.py"), "--clusterdns",
                         a.clusterdns, "--objects", "300", "--changes", "10", "--reloads",
                         "30", "--reload-objects", "300"], timeout=600).returncode
    check(rc == 0, "propagation.py: every change seen, nothing lost (exit %d)" % rc)
    dirs_after, procs_after = leftovers()
    check(dirs_after <= dirs_before, "no temp directory left behind")
    check(procs_after <= procs_before, "no server or dnsperf process left behind")
    print("self-test: %s" % ("all passed" if not failures else "%d failed" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
