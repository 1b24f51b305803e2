#!/usr/bin/python3
"""Deterministic synthetic Kubernetes cluster for the clusterdns benchmarks.

The same arguments (and seed) give byte-identical output:

  manifests/<ns>.yaml   one multi-document YAML file per namespace: the
                        Namespace, its Services, then its Pods
  zone/<domain>.zone    the same state as an RFC 1035 master file, for NSD and
                        Knot DNS: the Kubernetes DNS specification 1.1.0
                        records clusterdns serves for the cluster domain
                        (PTR, pod and the synthesized `kubernetes` service
                        records are left out; they are not queried)
  queries.txt           dnsperf input, one "name TYPE" per line
  summary.json          parameters, counts, hashes and names for probes

Shape (the default, --objects 2100): 10 namespaces, 1,000 ClusterIP
Services, 100 headless Services selecting 10 ready Pods each (1,000 Pods).
--objects N scales that shape to about N Services + Pods.

Run as a script (`gen_cluster.py --out DIR`) or import and call generate().
"""

import argparse
import hashlib
import ipaddress
import json
import os
import random
import sys

SPEC_VERSION = "1.1.0"
TTL = 5
DOMAIN = "cluster.local"
SOA_REST = "1 7200 1800 86400 5"  # serial refresh retry expire minimum
NAMED_PORTS = (("http", 80), ("metrics", 9090))
SERVICE_NET = ipaddress.ip_network("10.96.0.0/12")
SERVICE_NET_RESERVED = 16        # 10.96.0.1 = kubernetes, 10.96.0.10 = DNS
DNS_SERVICE_IP = "10.96.0.10"
POD_NET = ipaddress.ip_network("10.244.0.0/16")
PODS_PER_NODE = 250              # hosts .2 .. .251 of each node's /24

WORDS = ("api", "auth", "billing", "cart", "catalog", "checkout", "config",
         "events", "frontend", "gateway", "inventory", "ledger", "mailer",
         "media", "notify", "orders", "payments", "pricing", "profile",
         "quotes", "search", "session", "shipping", "users", "wallet")
ROLES = ("svc", "api", "backend", "cache", "grpc", "web", "worker", "proxy")
STATEFUL = ("cassandra", "etcd", "kafka", "mongo", "nats", "postgres",
            "rabbitmq", "redis", "zookeeper")
# What a pod's resolver tries through its search list (ndots:5) for
# external names: each becomes an NXDOMAIN query below the cluster domain.
EXTERNAL = ("www.example.com", "api.example.com", "cdn.example.net",
            "login.example.org", "registry.example.io", "s3.example.com")


def shape_for(objects):
    """(ClusterIP services, headless services, pods per headless) giving
    about `objects` Services + Pods in the default proportions 10:1:10."""
    headless = max(1, round(objects / 21))
    services = max(1, objects - headless - headless * 10)
    return services, headless, 10


def dashed(ip):
    return ip.replace(".", "-")


def build_state(services, headless, per_headless, namespaces, seed):
    rng = random.Random(seed)
    nss = ["ns-%d" % i for i in range(namespaces)]
    first = int(SERVICE_NET.network_address)
    offsets = rng.sample(range(SERVICE_NET_RESERVED, SERVICE_NET.num_addresses - 1),
                         services)
    cluster_ip = []
    for i, off in enumerate(offsets):
        cluster_ip.append({
            "name": "%s-%s-%d" % (rng.choice(WORDS), rng.choice(ROLES), i),
            "ns": nss[i % namespaces],
            "ip": str(ipaddress.ip_address(first + off)),
        })
    n_pods = headless * per_headless
    capacity = 256 * PODS_PER_NODE
    if n_pods > capacity:
        raise SystemExit("gen_cluster: %d pods do not fit in %s" % (n_pods, POD_NET))
    slots = rng.sample(range(capacity), n_pods)
    pod_first = int(POD_NET.network_address)
    heads = []
    for j in range(headless):
        name = "%s-headless-%d" % (rng.choice(STATEFUL), j)
        svc = {"name": name, "ns": nss[j % namespaces], "pods": []}
        for k in range(per_headless):
            node, host = divmod(slots[j * per_headless + k], PODS_PER_NODE)
            svc["pods"].append({
                "name": "%s-%d" % (name, k),
                "ip": str(ipaddress.ip_address(pod_first + node * 256 + host + 2)),
                "node": "node-%d" % node,
            })
        heads.append(svc)
    return nss, cluster_ip, heads


# ------------------------------------------------------------------ YAML

def namespace_yaml(ns):
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n" % ns


def service_yaml(name, ns, cluster_ip):
    ip = cluster_ip if cluster_ip else "None"
    out = ["apiVersion: v1", "kind: Service", "metadata:", "  name: " + name,
           "  namespace: " + ns, "spec:", "  type: ClusterIP",
           "  clusterIP: " + ip, "  clusterIPs:", "  - " + ip,
           "  selector:", "    app: " + name, "  ports:"]
    for pname, port in NAMED_PORTS:
        out += ["  - name: " + pname, "    protocol: TCP",
                "    port: %d" % port, "    targetPort: " + pname]
    return "\n".join(out) + "\n"


def pod_yaml(name, ns, app, ip, node="node-0"):
    """A running, ready Pod with the named container ports."""
    out = ["apiVersion: v1", "kind: Pod", "metadata:", "  name: " + name,
           "  namespace: " + ns, "  labels:", "    app: " + app,
           "spec:", "  nodeName: " + node, "  containers:", "  - name: main",
           "    image: registry.example.io/app:1.0", "    ports:"]
    for pname, port in NAMED_PORTS:
        out += ["    - name: " + pname, "      containerPort: %d" % port,
                "      protocol: TCP"]
    out += ["status:", "  phase: Running", "  podIP: " + ip, "  podIPs:",
            "  - ip: " + ip, "  conditions:"]
    for cond in ("Initialized", "Ready", "ContainersReady", "PodScheduled"):
        out += ["  - type: " + cond, '    status: "True"']
    return "\n".join(out) + "\n"


def write_manifests(out, nss, cluster_ip, heads):
    mdir = os.path.join(out, "manifests")
    os.makedirs(mdir, exist_ok=True)
    for ns in nss:
        docs = [namespace_yaml(ns)]
        docs += [service_yaml(s["name"], ns, s["ip"]) for s in cluster_ip if s["ns"] == ns]
        docs += [service_yaml(h["name"], ns, None) for h in heads if h["ns"] == ns]
        for h in heads:
            if h["ns"] == ns:
                docs += [pod_yaml(p["name"], ns, h["name"], p["ip"], p["node"])
                         for p in h["pods"]]
        with open(os.path.join(mdir, ns + ".yaml"), "w") as f:
            f.write("---\n".join(docs))
    return mdir


# ------------------------------------------------------------------ zone

def zone_records(nss, cluster_ip, heads, domain=DOMAIN):
    """[(owner, type, rdata)], owners absolute with a trailing dot."""
    d = domain + "."
    recs = [(d, "SOA", "ns.dns.%s hostmaster.%s %s" % (d, d, SOA_REST)),
            (d, "NS", "ns.dns." + d),
            ("ns.dns." + d, "A", DNS_SERVICE_IP),
            ("dns-version." + d, "TXT", '"%s"' % SPEC_VERSION)]
    for s in cluster_ip:
        owner = "%s.%s.svc.%s" % (s["name"], s["ns"], d)
        recs.append((owner, "A", s["ip"]))
        for pname, port in NAMED_PORTS:
            srv = "0 100 %d %s" % (port, owner)
            recs.append(("_%s._tcp.%s" % (pname, owner), "SRV", srv))
            recs.append((owner, "SRV", srv))   # bare name: one per named port
    for h in heads:
        owner = "%s.%s.svc.%s" % (h["name"], h["ns"], d)
        pods = h["pods"]
        for p in pods:
            recs.append((owner, "A", p["ip"]))
            recs.append(("%s.%s" % (dashed(p["ip"]), owner), "A", p["ip"]))
        if not pods:
            continue
        weight = 100 // len(pods)
        for pname, port in NAMED_PORTS:
            for p in pods:
                srv = "0 %d %d %s.%s" % (weight, port, dashed(p["ip"]), owner)
                recs.append(("_%s._tcp.%s" % (pname, owner), "SRV", srv))
                recs.append((owner, "SRV", srv))
    return recs


def existing_names(recs):
    """Every owner and every empty non-terminal above it, without the dot."""
    names = set()
    for owner, _, _ in recs:
        name = owner.rstrip(".")
        while name and name not in names:
            names.add(name)
            if name == DOMAIN:
                break
            name = name.partition(".")[2]
    return names


def write_zone(out, recs, domain=DOMAIN):
    zdir = os.path.join(out, "zone")
    os.makedirs(zdir, exist_ok=True)
    path = os.path.join(zdir, domain + ".zone")
    with open(path, "w") as f:
        f.write("; generated by tools/bench/gen_cluster.py\n$ORIGIN %s.\n$TTL %d\n"
                % (domain, TTL))
        for owner, rtype, rdata in recs:
            f.write("%s %d IN %s %s\n" % (owner, TTL, rtype, rdata))
    return path


# --------------------------------------------------------------- queries

def noise_name(rng, nss, services, names):
    """A search-list name that does not exist (NXDOMAIN)."""
    for _ in range(1000):
        ns = rng.choice(nss)
        s = rng.choice(services)
        fq = "%s.%s.svc.%s" % (s["name"], s["ns"], DOMAIN)
        kind = rng.randrange(5)
        if kind == 0:    # svc.ns-2.svc.cluster.local.ns-7.svc.cluster.local
            name = "%s.%s.svc.%s" % (fq, ns, DOMAIN)
        elif kind == 1:  # www.example.com.ns-3.svc.cluster.local
            name = "%s.%s.svc.%s" % (rng.choice(EXTERNAL), ns, DOMAIN)
        elif kind == 2:  # www.example.com.svc.cluster.local
            name = "%s.svc.%s" % (rng.choice(EXTERNAL), DOMAIN)
        elif kind == 3:  # svc.ns-2.ns-7.svc.cluster.local
            name = "%s.%s.%s.svc.%s" % (s["name"], s["ns"], ns, DOMAIN)
        else:            # the short name tried in the wrong namespace
            name = "%s.%s.svc.%s" % (s["name"], ns, DOMAIN)
        if name not in names:
            return name
    raise SystemExit("gen_cluster: could not draw a nonexistent name")


def build_queries(nss, cluster_ip, heads, names, total, seed):
    """70% A, 10% SRV, 10% NXDOMAIN noise (A or AAAA), 10% AAAA NODATA."""
    rng = random.Random("queries-%d" % seed)
    services = cluster_ip + heads
    n_srv = n_nx = n_aaaa = total // 10
    n_a = total - n_srv - n_nx - n_aaaa

    def fq(s):
        return "%s.%s.svc.%s" % (s["name"], s["ns"], DOMAIN)

    lines = ["%s A" % fq(rng.choice(services)) for _ in range(n_a)]
    lines += ["_%s._tcp.%s SRV" % (rng.choice(NAMED_PORTS)[0], fq(rng.choice(services)))
              for _ in range(n_srv)]
    lines += ["%s %s" % (noise_name(rng, nss, services, names), rng.choice(("A", "AAAA")))
              for _ in range(n_nx)]
    lines += ["%s AAAA" % fq(rng.choice(services)) for _ in range(n_aaaa)]
    rng.shuffle(lines)
    return lines, {"A": n_a, "SRV": n_srv, "NXDOMAIN": n_nx, "AAAA_NODATA": n_aaaa}


# ------------------------------------------------------------------ main

def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def generate(out, objects=2100, namespaces=10, seed=1, queries=100000,
             services=None, headless=None, pods_per_headless=None):
    """Write the data set into `out` (created; must be empty or ours)."""
    svc_n, head_n, per = shape_for(objects)
    svc_n = svc_n if services is None else services
    head_n = head_n if headless is None else headless
    per = per if pods_per_headless is None else pods_per_headless
    if svc_n + head_n < 1 or namespaces < 1:
        raise SystemExit("gen_cluster: need at least one service and namespace")
    if os.path.isdir(out) and os.listdir(out) and \
            not os.path.exists(os.path.join(out, "summary.json")):
        raise SystemExit("gen_cluster: %s is not empty and not a data set" % out)
    os.makedirs(out, exist_ok=True)
    nss, cluster_ip, heads = build_state(svc_n, head_n, per, namespaces, seed)
    # A data set written before may have other namespaces: start clean.
    mdir = os.path.join(out, "manifests")
    if os.path.isdir(mdir):
        for name in os.listdir(mdir):
            if name.endswith(".yaml"):
                os.remove(os.path.join(mdir, name))
    write_manifests(out, nss, cluster_ip, heads)
    recs = zone_records(nss, cluster_ip, heads)
    zone_path = write_zone(out, recs)
    names = existing_names(recs)
    lines, mix = build_queries(nss, cluster_ip, heads, names, queries, seed)
    qpath = os.path.join(out, "queries.txt")
    with open(qpath, "w") as f:
        f.write("\n".join(lines) + "\n")
    by_type = {}
    for _, rtype, _ in recs:
        by_type[rtype] = by_type.get(rtype, 0) + 1
    first_head = heads[0] if heads else None
    summary = {
        "generator": "tools/bench/gen_cluster.py",
        "parameters": {"objects": objects, "services": svc_n, "headless": head_n,
                       "pods_per_headless": per, "namespaces": namespaces,
                       "seed": seed, "queries": queries},
        "domain": DOMAIN,
        "objects": {"namespaces": namespaces, "services_clusterip": svc_n,
                    "services_headless": head_n, "pods": head_n * per,
                    "services_and_pods": svc_n + head_n + head_n * per},
        "records": {"total": len(recs), "by_type": dict(sorted(by_type.items())),
                    "rrsets": len({(o, t) for o, t, _ in recs})},
        "queries": mix,
        "files": {"manifests": "manifests", "zone": os.path.relpath(zone_path, out),
                  "queries": "queries.txt"},
        "sha256": {"zone": sha256(zone_path), "queries": sha256(qpath)},
        "probe": {
            "clusterip": "%s.%s.svc.%s" % (cluster_ip[0]["name"], cluster_ip[0]["ns"], DOMAIN)
            if cluster_ip else None,
            "headless": "%s.%s.svc.%s" % (first_head["name"], first_head["ns"], DOMAIN)
            if first_head else None,
            "endpoint": "%s.%s.%s.svc.%s" % (dashed(first_head["pods"][0]["ip"]),
                                            first_head["name"], first_head["ns"], DOMAIN)
            if first_head and first_head["pods"] else None,
        },
    }
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    return summary


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--objects", type=int, default=2100,
                   help="about this many Services + Pods (default %(default)s)")
    p.add_argument("--services", type=int, help="ClusterIP Services (overrides --objects)")
    p.add_argument("--headless", type=int, help="headless Services (overrides --objects)")
    p.add_argument("--pods-per-headless", type=int, help="ready Pods per headless Service")
    p.add_argument("--namespaces", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--queries", type=int, default=100000, help="lines in queries.txt")
    a = p.parse_args(argv)
    s = generate(a.out, a.objects, a.namespaces, a.seed, a.queries, a.services,
                 a.headless, a.pods_per_headless)
    o = s["objects"]
    print("gen_cluster: %s: %d ClusterIP + %d headless Services, %d Pods in %d "
          "namespaces; %d RRs; %d queries" % (a.out, o["services_clusterip"],
                                               o["services_headless"], o["pods"],
                                               o["namespaces"], s["records"]["total"],
                                               a.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
