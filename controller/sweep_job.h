// SweepJob: runs an expanded sweep plan (model/sweep_plan.h) on its own thread with progress, a
// time-left estimate and cancel, handing each result to a callback as it finishes.
#pragma once
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "model/run_result.h"
#include "model/sweep_plan.h"

namespace gemmscope {

struct SweepProgress {
  int done = 0, total = 0, failed = 0, skipped = 0;
  double elapsed_s = 0, eta_s = 0;
  bool running = false, cancelled = false;
  std::string last_failure;  // the newest failed run's config and reason
  std::string last_skipped;  // the newest point skipped as invalid on this GPU, with the rule it breaks
};

class RunnerClient;

class SweepJob {
 public:
  using OnResult = std::function<void(const RunResult&)>;
  // Runs on its own thread; `on_result` is called from that thread for every finished point
  // (invalid ones too, as Invalid results with their reasons) and must not throw.
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
