// Sweeps: a plan (base config + axes) expanded into valid configs, and a job that runs them off
// the caller's thread with progress and cancel, handing each result to a callback as it finishes.
#pragma once
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "model/config_error.h"
#include "model/kernel_family.h"
#include "model/protocol.h"

namespace gemmscope {

struct SweepPlan {
  KernelConfig base;
  SweepSpace axes;          // the cartesian product of these values, applied to `base`
  RunOptions options;
  std::string tag;          // names the sweep in the store
};

struct SweepPoint {
  KernelConfig config;
  Check invalid;            // set when validate() refused it (kept so the UI can show why)
};

// Every combination, in a stable order; invalid ones carry their reason.
std::vector<SweepPoint> expand(const SweepPlan&, const GpuSpec&);
// Parses "block_m=32,64,128" or "block_m=32..256" (powers of two in a range); throws naming the bad text.
std::pair<Param, std::vector<int>> parse_axis(const std::string&);

struct SweepProgress {
  int done = 0, total = 0, failed = 0, skipped = 0;
  double elapsed_s = 0, eta_s = 0;
  bool running = false, cancelled = false;
};

class RunnerClient;

class SweepJob {
 public:
  using OnResult = std::function<void(const RunResult&)>;
  // Runs on its own thread; `on_result` is called from that thread for every finished run.
  SweepJob(RunnerClient& runner, SweepPlan plan, GpuSpec spec, OnResult on_result);
  ~SweepJob();  // cancels and joins
  void cancel() { cancel_ = true; }
  SweepProgress progress() const;
  bool finished() const { return finished_; }
  void wait();

 private:
  void work();
  RunnerClient& runner_;
  SweepPlan plan_;
  GpuSpec spec_;
  OnResult on_result_;
  std::atomic<bool> cancel_{false}, finished_{false};
  mutable std::mutex mu_;
  SweepProgress progress_;
  std::thread thread_;
};

}  // namespace gemmscope
