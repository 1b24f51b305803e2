#pragma once
// Helpers for the snapshot and responder tests: hand-written records, query packets
// written octet by octet (so malformed ones are easy), and answers parsed back with
// the wire codec's general parser.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dns/server/packet_handler.h"
#include "dns/wire/message.h"
#include "dns/wire/rdata.h"
#include "zones/record.h"
#include "zones/responder.h"
#include "zones/snapshot.h"
#include "zones/snapshot_builder.h"

namespace clusterdns::zones::testing {

inline registry::IpAddress ip(const char* text) {
  auto parsed = registry::IpAddress::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(registry::IpAddress{});
}

inline Record address(std::string owner, const char* text, uint32_t ttl = 5) {
  const auto parsed = ip(text);
  return Record{std::move(owner), static_cast<uint16_t>(parsed.v6 ? 28 : 1), ttl, parsed};
}
inline Record name_record(std::string owner, uint16_t type, std::string target, uint32_t ttl = 5) {
  return Record{std::move(owner), type, ttl, std::move(target)};
}
inline Record srv(std::string owner, uint16_t weight, uint16_t port, std::string target) {
  return Record{std::move(owner), 33, 5, SrvData{0, weight, port, std::move(target)}};
}
inline Record txt(std::string owner, std::string text) {
  return Record{std::move(owner), 16, 5, std::vector<std::string>{std::move(text)}};
}
inline Record soa(std::string apex, uint32_t ttl = 5, uint32_t minimum = 5) {
  return Record{std::move(apex), 6, ttl,
                SoaData{"ns.dns.cluster.local.", "hostmaster.cluster.local.", 42, 7200, 1800, 86400,
                        minimum}};
}

// The zone apexes DESIGN.md §1 lists, as build_records produces them.
inline std::vector<Record> apex_records(uint32_t ttl = 5) {
  std::vector<Record> records;
  for (const char* apex : {"cluster.local.", "in-addr.arpa.", "ip6.arpa."}) {
    records.push_back(soa(apex, ttl, ttl));
    records.push_back(name_record(apex, 2, "ns.dns.cluster.local.", ttl));
  }
  records.push_back(address("ns.dns.cluster.local.", "10.96.0.10", ttl));
  records.push_back(txt("dns-version.cluster.local.", "1.1.0"));
  return records;
}

struct QuerySpec {
  std::string name = "web.default.svc.cluster.local";
  uint16_t type = 1;
  uint16_t klass = 1;
  uint16_t id = 0x1234;
  uint16_t flags = 0x0100;               // RD
  std::optional<uint16_t> edns_payload;  // OPT record when set
  uint8_t edns_version = 0;
  bool dnssec_ok = false;
  std::vector<uint8_t> edns_options;
};

class Packet {
 public:
  Packet& u8(uint8_t value) {
    bytes.push_back(value);
    return *this;
  }
  Packet& u16(uint16_t value) { return u8(static_cast<uint8_t>(value >> 8)).u8(value & 0xff); }
  Packet& u32(uint32_t value) {
    return u16(static_cast<uint16_t>(value >> 16)).u16(value & 0xffff);
  }
  Packet& header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  Packet& name(const std::string& dotted) {
    size_t start = 0;
    while (start < dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      const std::string label = dotted.substr(start, dot - start);
      u8(static_cast<uint8_t>(label.size()));
      bytes.insert(bytes.end(), label.begin(), label.end());
      start = dot + 1;
    }
    return u8(0);
  }
  Packet& opt(uint16_t payload, uint8_t version, bool dnssec_ok,
              const std::vector<uint8_t>& options = {}) {
    u8(0).u16(41).u16(payload).u8(0).u8(version).u16(dnssec_ok ? 0x8000 : 0);
    u16(static_cast<uint16_t>(options.size()));
    bytes.insert(bytes.end(), options.begin(), options.end());
    return *this;
  }
  std::vector<uint8_t> bytes;
};

inline std::vector<uint8_t> query(const QuerySpec& spec) {
  Packet packet;
  packet.header(spec.id, spec.flags, 1, 0, 0, spec.edns_payload ? 1 : 0);
  packet.name(spec.name).u16(spec.type).u16(spec.klass);
  if (spec.edns_payload) {
    packet.opt(*spec.edns_payload, spec.edns_version, spec.dnssec_ok, spec.edns_options);
  }
  return packet.bytes;
}

inline std::vector<uint8_t> query(const std::string& name, uint16_t type) {
  QuerySpec spec;
  spec.name = name;
  spec.type = type;
  return query(spec);
}

// Sends `packet` through the responder with `snapshot`; the raw response octets.
inline std::vector<uint8_t> respond(const Snapshot* snapshot, const std::vector<uint8_t>& packet,
                                    dns::Transport transport = dns::Transport::kUdp) {
  std::vector<uint8_t> buffer(65535);
  dns::ClientInfo client;
  client.transport = transport;
  const size_t size = Responder::answer(packet, buffer, client, snapshot);
  buffer.resize(size);
  return buffer;
}

inline dns::Message parse(const std::vector<uint8_t>& response) {
  auto parsed = dns::parse_message(response);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? std::move(*parsed) : dns::Message{};
}

inline dns::Message ask(const Snapshot& snapshot, const std::string& name, uint16_t type,
                        dns::Transport transport = dns::Transport::kUdp) {
  return parse(respond(&snapshot, query(name, type), transport));
}

// The raw response to a query with the given EDNS payload (none: no OPT record).
inline std::vector<uint8_t> ask_raw(const Snapshot& snapshot, const std::string& name,
                                    uint16_t type, std::optional<uint16_t> payload,
                                    dns::Transport transport = dns::Transport::kUdp) {
  QuerySpec spec;
  spec.name = name;
  spec.type = type;
  spec.edns_payload = payload;
  return respond(&snapshot, query(spec), transport);
}

inline std::string text(const dns::Name& name) {
  return name.to_text();
}

// Answer RDATA as master-file text ("10.0.0.1", "0 50 80 a.b."), in order.
inline std::vector<std::string> rdata_texts(const std::vector<dns::ResourceRecord>& records) {
  std::vector<std::string> texts;
  for (const auto& record : records) texts.push_back(dns::rdata_to_text(record.type, record.rdata));
  return texts;
}

inline uint16_t rcode(const dns::Message& message) {
  return message.rcode();
}

// "s<i>.default.svc.cluster.local." (appended piecewise: GCC 12 warns falsely about
// -Wrestrict on "literal" + std::string).
inline std::string numbered_service(int i) {
  std::string name = "s";
  name += std::to_string(i);
  name += ".default.svc.cluster.local.";
  return name;
}

}  // namespace clusterdns::zones::testing
