// RunnerPool: the runners one session drives, one per GPU: local ones (gemmscope-runner --device N)
// and any command that speaks the protocol on stdio (ssh HOST gemmscope-runner --device 0). Each
// member is a RunnerClient with its own watchdog and its own device, spec and UUID from its hello.
// A member whose runs die or hang several times in a row leaves the pool; the last one never
// does, so a pool of one behaves as the single runner always did.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/runner_client.h"
#include "model/run_result.h"

namespace gemmscope {

struct PoolOptions {
  // One runner per command, in slot order. The first is the primary: live runs, hello's main
  // answer and ceilings go to it.
  std::vector<std::vector<std::string>> commands;
  // `--devices all`: once the first runner's hello says how many devices its host has, one runner
  // more for each further device: this command + {"--device", N}. Empty: no such expansion.
  std::vector<std::string> every_device;
  // Runs in a row ending in a runner failure (is_runner_failure) after which a member leaves the pool.
  int max_consecutive_failures = 3;
};

// The dispositions that say the runner, not the config, failed: it hung (the watchdog killed
// it), died or broke the protocol, or could not start or find its GPU.
bool is_runner_failure(Disposition);

enum class MemberState {
  Unasked,      // no hello yet: given work (the run starts it), as a lone runner always was
  Ready,        // its hello answered with a device
  Unavailable,  // its hello failed (no GPU, another protocol): no work while another member has some
  Removed,      // failed max_consecutive_failures runs in a row: out of the pool for the session
};
std::string to_string(MemberState);

struct MemberStatus {
  size_t slot = 0;
  MemberState state = MemberState::Unasked;
  std::string command;           // as one line
  int device_index = -1;         // from its hello (-1 where it did not say)
  std::string device, device_uuid;
  int failures_in_a_row = 0, restarts = 0;
  std::string why;               // why it is unavailable or was removed
};

// What asking every member gave: one info per member in slot order, and why the pool is not what
// was asked for ("" when it is), e.g. every device asked for of a runner that does not count them.
struct PoolHello {
  std::vector<RunnerInfo> runners;
  std::string error;
};

class RunnerPool {
 public:
  explicit RunnerPool(PoolOptions);
  ~RunnerPool();  // stops every runner
  RunnerPool(const RunnerPool&) = delete;
  RunnerPool& operator=(const RunnerPool&) = delete;

  // Members never leave the vector (a removed one is marked), so slots stay valid.
  size_t size() const { return clients_.size(); }
  // One thread at a time per client: the session's thread outside sweeps, a sweep's worker within.
  RunnerClient& client(size_t slot) { return *clients_.at(slot); }
  RunnerClient& primary() { return *clients_.front(); }

  // Asks every member (each runner started, all at once: a CUDA runner's hello takes seconds);
  // with `every_device`, the first is asked alone, then the further devices it counts. Only from
  // the thread that owns the pool, and not while a sweep runs.
  PoolHello hello();
  // The last hello's answers, without asking anyone (safe while a sweep runs).
  PoolHello last_hello() const;

  // The members a sweep gives points to: those ready or not yet asked; the primary where none is.
  std::vector<size_t> sweep_slots() const;
  // How a run on `slot` ended. Returns true when this run took the member out of the pool: its
  // runner failures in a row reached the limit and another member is left to take its points.
  bool record(size_t slot, Disposition);
  MemberStatus status(size_t slot) const;
  // "runner 2 (device 2, NVIDIA H200, GPU-8c1f...)", or its command before its hello.
  std::string describe(size_t slot) const;
  int max_consecutive_failures() const { return options_.max_consecutive_failures; }

  void stop();  // asks every runner to shut down, then makes sure

 private:
  struct Member {
    MemberState state = MemberState::Unasked;
    RunnerInfo info;  // its last hello
    int failures_in_a_row = 0;
    std::string why;
  };
  void add(std::vector<std::string> command);
  std::string describe_locked(size_t slot) const;

  PoolOptions options_;
  std::vector<std::unique_ptr<RunnerClient>> clients_;
  mutable std::mutex mu_;  // guards members_ and hello_error_
  std::vector<Member> members_;
  std::string hello_error_;
  bool expanded_ = false;  // every_device asked for once
};

}  // namespace gemmscope
