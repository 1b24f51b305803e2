#pragma once
// Records as RFC 1035 §5 master-file text, one record per line, fully qualified and
// without $ORIGIN or $TTL, so two listings diff line by line and each zone's lines load
// into NSD or BIND as they are:
//   web.default.svc.cluster.local.<TAB>5<TAB>IN<TAB>A<TAB>10.96.0.1

#include <ostream>
#include <string>
#include <vector>

#include "zones/record.h"

namespace clusterdns::zones {

// One line, without the newline. SOA on one line, TXT quoted with RFC 1035 §5.1 escapes.
std::string to_master_file_line(const Record& record);

// Every record, one line each, in the order of zones/records.h (sorted first when the
// input is not already in that order).
void write_master_file(std::ostream& out, const std::vector<Record>& records);

}  // namespace clusterdns::zones
