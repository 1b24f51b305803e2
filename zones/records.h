#pragma once
// ClusterState → every record we serve (DESIGN.md §1). A pure function of its inputs:
// the same state and options always give the same records in the same order, so
// `clusterdns records` output diffs cleanly between two states.
//
// Order: owner names in DNS canonical order (RFC 4034 §6.1: labels compared right to
// left as lower-case octet strings), so each zone is contiguous with its apex first;
// then RR type number; then RDATA (addresses by their octets, SRV by priority, weight,
// port, target, names and strings as text). Identical records (owner, type, RDATA)
// appear once.
//
// Pod records are listed only for `--pods verified`: `insecure` answers any
// well-formed pod name at query time (synthesized by the snapshot), `disabled` none.
// Empty non-terminals are not records: the snapshot derives them from owner names.

#include <span>
#include <string_view>
#include <vector>

#include "registry/objects.h"
#include "zones/options.h"
#include "zones/record.h"

namespace clusterdns::zones {

std::vector<Record> build_records(const registry::ClusterState& state,
                                  const RecordOptions& options);

// RFC 4034 §6.1 canonical order of two absolute names: <0, 0 or >0.
int compare_names(std::string_view a, std::string_view b);

// True when a sorts before b in the order described above (ttl ignored).
bool record_less(const Record& a, const Record& b);

// Sorts into the order above and drops duplicates.
void sort_records(std::vector<Record>& records);

// The cheaper order the snapshot needs: owners grouped (in the order each first
// appears, not canonical order), then type, then RDATA as above, duplicates dropped.
// Within an RRset the order is the same as sort_records gives, so answers are too.
void sort_records_for_encoding(std::vector<Record>& records);
// The same order as pointers into `records`, which stay where they are.
std::vector<const Record*> encoding_order(std::span<const Record> records);

}  // namespace clusterdns::zones
