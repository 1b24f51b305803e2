#pragma once
// The DNS logic of the server (DESIGN.md §1 protocol rules): parses a query in place,
// answers from the current snapshot and writes the response into the caller's buffer.
// No heap allocation and no lock per query.
//
// Threads: handle() finds the calling thread's reader slot of the publisher in a
// small thread_local cache, registering one on the thread's first query (the only
// call that may allocate: the C++ runtime's thread-exit bookkeeping). A server that
// keeps its own per-thread state can instead call answer() with a snapshot it
// acquired from its own SnapshotPublisher::Reader.

#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/server/packet_handler.h"
#include "zones/snapshot.h"
#include "zones/snapshot_publisher.h"

namespace clusterdns::zones {

// What the zones could not settle, for a forwarder to take over (DESIGN.md §1). The
// response is written either way (REFUSED, NXDOMAIN, the CNAME), for when it does not.
enum class ZoneOutcome : uint8_t {
  kAnswered,      // final
  kOutOfZone,     // not ours: the response says REFUSED
  kNoReversePtr,  // a reverse name we hold no PTR for: the response says NXDOMAIN
  kCnameAnswer,   // the answer is a CNAME chain, whose target may lie outside our zones
};

class Responder : public dns::PacketHandler {
 public:
  // The publisher must outlive the responder and every thread that calls handle().
  explicit Responder(SnapshotPublisher& publisher) : publisher_(publisher) {}

  size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                const dns::ClientInfo& client) override;
  void prefetch(std::span<const std::span<const uint8_t>> queries) override;
  // The same, also telling what a forwarder could add.
  size_t handle(std::span<const uint8_t> query, std::span<uint8_t> response,
                const dns::ClientInfo& client, ZoneOutcome& outcome);

  // The same with the snapshot given (nullptr: none published yet → SERVFAIL).
  static size_t answer(std::span<const uint8_t> query, std::span<uint8_t> response,
                       const dns::ClientInfo& client, const Snapshot* snapshot,
                       ZoneOutcome* outcome = nullptr);

  // Stops this thread from pinning an old snapshot (call before a long idle wait).
  void release_thread_reader();

 private:
  SnapshotPublisher::Reader& thread_reader();

  SnapshotPublisher& publisher_;
};

}  // namespace clusterdns::zones
