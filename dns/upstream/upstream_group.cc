#include "dns/upstream/upstream_group.h"

#include <array>

#include "dns/server/log.h"
#include "dns/wire/builder.h"
#include "dns/wire/header.h"
#include "dns/wire/reader.h"

namespace clusterdns::dns {

struct UpstreamGroup::Member {
  Member(asio::io_context& io, Endpoint server, std::string label, int max_fails)
      : server(server), label(std::move(label)), health(max_fails), probe_timer(io) {}
  Endpoint server;
  std::string label;  // "127.0.0.1:5301", or "127.0.0.1:5301 (for corp.example.)"
  UpstreamHealth health;
  asio::steady_timer probe_timer;
  bool probe_in_flight = false;
  // Declared last, destroyed first: its callbacks (ARES_EDESTRUCTION) find the rest intact.
  std::unique_ptr<AresChannel> channel;
};

namespace {

// `. NS` without RD: any server answers it from what it holds, cheaply.
std::vector<uint8_t> probe_query() {
  std::array<uint8_t, 64> buffer{};
  MessageBuilder builder(buffer);
  builder.add_question(Name(), RRType::kNS);
  const auto message = builder.finish();
  return {message.begin(), message.end()};
}

}  // namespace

const char* upstream_failure(int status, std::span<const uint8_t> answer) {
  switch (status) {
    case ARES_SUCCESS:
      break;
    case ARES_ETIMEOUT:
      return "timeout";
    case ARES_ECONNREFUSED:
      return "connection refused";
    default:
      return ares_strerror(status);
  }
  WireReader reader(answer);
  const Header header = read_header(reader);
  if (!reader.ok()) return "short answer";
  const uint16_t rcode = header.rcode();
  if (rcode == to_u16(Rcode::kServFail)) return "SERVFAIL";
  if (rcode == to_u16(Rcode::kRefused)) return "REFUSED";
  return nullptr;
}

std::chrono::milliseconds UpstreamGroup::try_timeout(const UpstreamGroupOptions& options) {
  const auto servers = static_cast<long>(std::max<size_t>(options.servers.size(), 1));
  const long tries = std::max(options.tries, 1);
  return std::max(std::chrono::milliseconds(50), options.total_timeout / (servers * tries));
}

Result<std::unique_ptr<UpstreamGroup>> UpstreamGroup::create(asio::io_context& io,
                                                             UpstreamGroupOptions options) {
  if (options.servers.empty()) return Error{"no upstream servers"};
  std::unique_ptr<UpstreamGroup> group(new UpstreamGroup(std::move(options)));
  const auto per_try = try_timeout(group->options_);
  for (const Endpoint& server : group->options_.servers) {
    std::string label = server.to_string();
    if (!group->options_.route.empty()) label += " (for " + group->options_.route + ")";
    auto member = std::make_unique<Member>(io, server, std::move(label), group->options_.max_fails);
    // One try per channel: the group itself walks the servers and the rounds.
    auto channel = AresChannel::create(io, {{server}, per_try, 1});
    if (!channel) return channel.error();
    member->channel = std::move(*channel);
    group->members_.push_back(std::move(member));
  }
  return group;
}

UpstreamGroup::UpstreamGroup(UpstreamGroupOptions options)
    : options_(std::move(options)), probe_query_(probe_query()) {}

UpstreamGroup::~UpstreamGroup() {
  *alive_ = false;
}

std::vector<size_t> UpstreamGroup::attempt_plan() const {
  std::vector<UpstreamHealth> health;
  health.reserve(members_.size());
  for (const auto& member : members_) health.push_back(member->health);
  const auto order = order_by_health(health);
  std::vector<size_t> plan;
  for (int round = 0; round < std::max(options_.tries, 1); ++round) {
    plan.insert(plan.end(), order.begin(), order.end());
  }
  return plan;
}

void UpstreamGroup::send(size_t index, std::span<const uint8_t> query, AresChannel::Callback done) {
  Member* member = members_.at(index).get();
  member->channel->send(
      query, [this, member, done = std::move(done)](int status, std::span<const uint8_t> answer) {
        if (status != ARES_EDESTRUCTION) record(*member, status, answer);
        done(status, answer);
      });
}

void UpstreamGroup::record(Member& member, int status, std::span<const uint8_t> answer) {
  if (status == ARES_ECANCELLED) return;  // not the upstream's doing
  if (const char* failure = upstream_failure(status, answer)) {
    if (member.health.record_failure() == UpstreamHealth::Change::kWentDown) {
      log_warning("upstream %s down: %s", member.label.c_str(), failure);
      schedule_probe(member);
    }
  } else if (member.health.record_success() == UpstreamHealth::Change::kCameUp) {
    log_info("upstream %s up again", member.label.c_str());
  }
}

void UpstreamGroup::schedule_probe(Member& member) {
  member.probe_timer.expires_after(options_.probe_period);
  // A wait that completed just before the group went away is not cancelled by the
  // timer's destruction: `alive` tells its handler not to touch the member.
  member.probe_timer.async_wait([this, member = &member, alive = alive_](const ErrorCode& error) {
    if (error || !*alive || !member->health.down()) return;  // group gone, or back up
    if (!member->probe_in_flight) send_probe(*member);
    schedule_probe(*member);
  });
}

void UpstreamGroup::send_probe(Member& member) {
  member.probe_in_flight = true;
  member.channel->send(probe_query_, [this, member = &member](int status, auto) {
    if (status != ARES_EDESTRUCTION) on_probe_reply(*member, status);
  });
}

// Any reply proves the upstream reachable; a silent or refused probe leaves it down.
void UpstreamGroup::on_probe_reply(Member& member, int status) {
  member.probe_in_flight = false;
  if (status != ARES_SUCCESS) return;
  if (member.health.record_success() == UpstreamHealth::Change::kCameUp) {
    log_info("upstream %s up again", member.label.c_str());
  }
}

}  // namespace clusterdns::dns
