#include "tests/integration/sample_cluster.h"

namespace clusterdns::testing {
namespace {

std::string pod(const std::string& name, const std::string& app, const std::string& ip,
                bool ready, const std::string& extra_spec = "") {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\n  namespace: web\n  labels:\n    app: " + app + "\nspec:\n" + extra_spec +
         "  containers:\n  - name: main\n    image: example\n    ports:\n"
         "    - name: http\n      containerPort: 8080\n    - name: pg\n      containerPort: 5432\n"
         "status:\n  phase: Running\n  podIP: " +
         ip + "\n  podIPs:\n  - ip: " + ip +
         "\n  conditions:\n  - type: Ready\n    status: \"" + (ready ? "True" : "False") + "\"\n";
}

}  // namespace

void write_sample_cluster(const TempDir& dir) {
  dir.write("namespaces.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n---\n"
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: quiet\n");
  dir.write("services.yaml", R"(apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: web}
spec:
  clusterIP: 10.96.1.10
  selector: {app: frontend}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: dns, port: 53, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: web}
spec:
  clusterIP: None
  selector: {app: db}
  ports:
  - {name: pg, port: 5432}
---
apiVersion: v1
kind: Service
metadata: {name: idle, namespace: web}
spec:
  clusterIP: None
  selector: {app: idle}
  ports:
  - {name: http, port: 80}
---
apiVersion: v1
kind: Service
metadata: {name: peers, namespace: web}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: peer}
  ports:
  - {name: http, port: 80, targetPort: 8080}
---
apiVersion: v1
kind: Service
metadata: {name: dual, namespace: web}
spec:
  clusterIP: 10.96.1.20
  clusterIPs: [10.96.1.20, "fd00:10:96::20"]
  ipFamilies: [IPv4, IPv6]
  ipFamilyPolicy: RequireDualStack
  ports:
  - {name: http, port: 80}
---
apiVersion: v1
kind: Service
metadata: {name: v6db, namespace: web}
spec:
  clusterIP: None
  ipFamilies: [IPv6]
  selector: {app: v6db}
  ports:
  - {name: pg, port: 5432}
---
apiVersion: v1
kind: Service
metadata: {name: search, namespace: web}
spec:
  type: ExternalName
  externalName: www.example.com
---
apiVersion: v1
kind: Service
metadata: {name: alias, namespace: web}
spec:
  type: ExternalName
  externalName: frontend.web.svc.cluster.local
)");
  dir.write("pods/frontend.yaml", pod("frontend-a", "frontend", "10.244.1.10", true) + "---\n" +
                                      pod("frontend-b", "frontend", "10.244.1.11", true) +
                                      "---\n" + pod("frontend-c", "frontend", "10.244.1.12", false));
  dir.write("pods/db.yaml",
            pod("db-0", "db", "10.244.2.10", true, "  hostname: db-0\n  subdomain: db\n") +
                "---\n" + pod("db-1", "db", "10.244.2.11", true, "  hostname: db-1\n  subdomain: db\n"));
  dir.write("pods/peer.yaml", pod("peer-0", "peer", "10.244.3.10", false));
  dir.write("pods/v6db.yaml", pod("v6db-0", "v6db", "fd00::1", true));
}

}  // namespace clusterdns::testing
