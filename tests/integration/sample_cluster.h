#pragma once
// A small cluster that exercises every row of DESIGN.md §1, written as real manifests.

#include <string>

#include "tests/support/temp_dir.h"

namespace clusterdns::testing {

// Namespace `web`:
//   frontend   ClusterIP 10.96.1.10, ports http 80/TCP (targetPort http), dns 53/UDP, app=frontend
//              pods frontend-a 10.244.1.10 (ready), frontend-b 10.244.1.11 (ready),
//              frontend-c 10.244.1.12 (not ready)
//   db         headless, port pg 5432/TCP, app=db; pods db-0 10.244.2.10, db-1 10.244.2.11 with
//              hostname db-0/db-1 and subdomain db
//   idle       headless, app=idle, no pods → NXDOMAIN
//   peers      headless, publishNotReadyAddresses, app=peer; pod peer-0 10.244.3.10 not ready
//   dual       ClusterIP 10.96.1.20 + fd00:10:96::20 (dual-stack), port http 80
//   v6db       headless, app=v6db; pod v6db-0 fd00::1
//   search     ExternalName www.example.com
//   alias      ExternalName frontend.web.svc.cluster.local (inside our zone)
// Namespace `quiet`: a Namespace object and nothing else.
void write_sample_cluster(const TempDir& dir);

}  // namespace clusterdns::testing
