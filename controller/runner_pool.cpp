#include "controller/runner_pool.h"

#include <stdexcept>
#include <thread>

namespace gemmscope {

bool is_runner_failure(Disposition d) { return d == Disposition::Timeout || d == Disposition::Crashed || d == Disposition::NoDevice; }

std::string to_string(MemberState s) {
  switch (s) {
    case MemberState::Unasked: return "not asked yet";
    case MemberState::Ready: return "ready";
    case MemberState::Unavailable: return "unavailable";
    case MemberState::Removed: return "out of the pool";
  }
  return "unknown";
}

RunnerPool::RunnerPool(PoolOptions options) : options_(std::move(options)) {
  if (options_.commands.empty()) throw std::invalid_argument("a runner pool needs at least one runner command");
  if (options_.max_consecutive_failures < 1) throw std::invalid_argument("max_consecutive_failures must be at least 1");
  for (const auto& c : options_.commands) add(c);
}

RunnerPool::~RunnerPool() { stop(); }

void RunnerPool::add(std::vector<std::string> command) {
  clients_.push_back(std::make_unique<RunnerClient>(std::move(command)));
  std::lock_guard lock(mu_);
  members_.emplace_back();
}

PoolHello RunnerPool::hello() {
  std::vector<RunnerInfo> infos(clients_.size());
  auto ask = [&](size_t first) {
    std::vector<std::thread> asking;
    for (size_t i = first + 1; i < clients_.size(); ++i) asking.emplace_back([&, i] { infos[i] = clients_[i]->hello(); });
    infos[first] = clients_[first]->hello();
    for (auto& t : asking) t.join();
  };
  std::string error;
  if (!options_.every_device.empty() && !expanded_) {
    // The first runner counts its host's devices; the others can only start once that is known.
    infos[0] = clients_[0]->hello();
    expanded_ = true;
    const RunnerInfo& first = infos[0];
    if (first.ok && first.device_count <= 0) {
      error = "every device was asked for, but the runner (" + first.command + ", build " + first.build +
              ") does not say how many devices its host has (a runner older than this build?): list the devices instead";
    } else if (first.ok) {
      const size_t before = clients_.size();
      for (int d = 0; d < first.device_count; ++d) {
        if (d == first.device_index) continue;
        std::vector<std::string> c = options_.every_device;
        c.push_back("--device");
        c.push_back(std::to_string(d));
        add(std::move(c));
      }
      infos.resize(clients_.size());
      std::vector<std::thread> asking;
      for (size_t i = before; i < clients_.size(); ++i) asking.emplace_back([&, i] { infos[i] = clients_[i]->hello(); });
      for (size_t i = 1; i < before; ++i) asking.emplace_back([&, i] { infos[i] = clients_[i]->hello(); });
      for (auto& t : asking) t.join();
    }
  } else {
    ask(0);
  }
  std::lock_guard lock(mu_);
  if (!error.empty()) hello_error_ = error;  // kept for later hellos: the pool stays short of what was asked
  for (size_t i = 0; i < infos.size(); ++i) {
    Member& m = members_[i];
    m.info = infos[i];
    if (m.state == MemberState::Removed) continue;  // a hello does not bring a removed member back
    m.state = infos[i].ok ? MemberState::Ready : MemberState::Unavailable;
    m.why = infos[i].ok ? "" : infos[i].error;
  }
  return {std::move(infos), hello_error_};
}

PoolHello RunnerPool::last_hello() const {
  std::lock_guard lock(mu_);
  PoolHello h;
  for (const Member& m : members_) h.runners.push_back(m.info);
  h.error = hello_error_;
  return h;
}

std::vector<size_t> RunnerPool::sweep_slots() const {
  std::lock_guard lock(mu_);
  std::vector<size_t> slots;
  for (size_t i = 0; i < members_.size(); ++i)
    if (members_[i].state == MemberState::Ready || members_[i].state == MemberState::Unasked) slots.push_back(i);
  // With nobody able to run, the primary takes every point and each records why it failed, as a
  // lone runner without a GPU always did.
  if (slots.empty()) slots.push_back(0);
  return slots;
}

bool RunnerPool::record(size_t slot, Disposition d) {
  std::lock_guard lock(mu_);
  Member& m = members_.at(slot);
  if (!is_runner_failure(d)) {
    m.failures_in_a_row = 0;
    return false;
  }
  if (++m.failures_in_a_row < options_.max_consecutive_failures || m.state == MemberState::Removed) return false;
  bool another = false;
  for (size_t i = 0; i < members_.size(); ++i)
    another |= i != slot && (members_[i].state == MemberState::Ready || members_[i].state == MemberState::Unasked);
  if (!another) return false;  // the last member keeps trying: its points have nowhere else to go
  m.state = MemberState::Removed;
  m.why = "its runner failed " + std::to_string(m.failures_in_a_row) + " runs in a row (died, hung or could not start)";
  return true;
}

MemberStatus RunnerPool::status(size_t slot) const {
  MemberStatus s;
  s.slot = slot;
  s.command = clients_.at(slot)->command_text();
  s.restarts = clients_.at(slot)->restarts();
  std::lock_guard lock(mu_);
  const Member& m = members_.at(slot);
  s.state = m.state;
  s.device_index = m.info.device_index;
  s.device = m.info.ok ? m.info.detected.name : "";
  s.device_uuid = m.info.device_uuid;
  s.failures_in_a_row = m.failures_in_a_row;
  s.why = m.why;
  return s;
}

std::string RunnerPool::describe(size_t slot) const {
  std::lock_guard lock(mu_);
  return describe_locked(slot);
}

std::string RunnerPool::describe_locked(size_t slot) const {
  const Member& m = members_.at(slot);
  std::string d = "runner " + std::to_string(slot) + " (";
  if (!m.info.ok) return d + clients_.at(slot)->command_text() + ")";
  if (m.info.device_index >= 0) d += "device " + std::to_string(m.info.device_index) + ", ";
  d += m.info.detected.name;
  if (!m.info.device_uuid.empty()) d += ", " + m.info.device_uuid;
  return d + ")";
}

void RunnerPool::stop() {
  // Each runner is given its moment to release its GPU at the same time, not one after another.
  std::vector<std::thread> stopping;
  for (auto& c : clients_) stopping.emplace_back([&c] { c->stop(); });
  for (auto& t : stopping) t.join();
}

}  // namespace gemmscope
