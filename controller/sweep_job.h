// SweepJob: runs an expanded sweep plan (model/sweep_plan.h) over a RunnerPool, with progress
// (overall and per runner), a time-left estimate and cancel, handing each result to a callback as
// it finishes. The plan is walked once on the job's own thread into a short queue; one worker per
// runner takes the next point whenever its runner is free, so a slow GPU holds no one back and a
// runner that leaves the pool leaves its work to the others. With one runner the points run in
// plan order, one at a time, as before pools.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/runner_pool.h"
#include "model/run_result.h"
#include "model/sweep_plan.h"

namespace gemmscope {

// One runner's share of a sweep: what the GUI's per-GPU progress draws.
struct RunnerProgress {
  size_t slot = 0;               // the runner's place in the pool (RunnerPool::client)
  int device_index = -1;         // its GPU on its host, from its hello (-1 where it did not say)
  std::string device, device_uuid, command;
  MemberState state = MemberState::Unasked;
  int done = 0, failed = 0;      // points it answered (skipped ones are nobody's), and those not passed
  int restarts = 0;              // its runner restarted by the watchdog so far (in this session)
  double busy_s = 0;             // time spent in its runs
  bool busy = false;             // a point in flight
  std::string current;           // that point's config name
  std::string last_failure;      // its newest failed run's config and reason
};

struct SweepProgress {
  int done = 0, total = 0, failed = 0, skipped = 0;
  double elapsed_s = 0, eta_s = 0;
  bool running = false, cancelled = false;
  std::string last_failure;  // the newest failed run's config and reason
  std::string last_skipped;  // the newest point skipped as invalid on this GPU, with the rule it breaks
  std::vector<RunnerProgress> runners;  // one per runner given points, in slot order
};

class SweepJob {
 public:
  using OnResult = std::function<void(const RunResult&)>;
  using OnMessage = std::function<void(const std::string& text, bool error)>;
  // Runs on its own threads; `on_result` is called from them, one call at a time, for every
  // finished point (invalid ones too, as Invalid results with their reasons), and must not throw.
  // `on_message` says when a runner leaves the pool. Points are judged valid on `spec` (the
  // primary's); each runner then runs and judges them on its own GPU.
  SweepJob(RunnerPool& pool, SweepPlan plan, GpuSpec spec, OnResult on_result, OnMessage on_message = {});
  ~SweepJob();  // cancels and joins
  // No point is handed out after this; the ones in flight finish (or meet their watchdog).
  void cancel();
  SweepProgress progress() const;
  bool finished() const { return finished_; }
  void wait();

 private:
  void work();
  void serve(size_t k);  // the worker of slots_[k]
  RunnerPool& pool_;
  SweepPlan plan_;
  GpuSpec spec_;
  OnResult on_result_;
  OnMessage on_message_;
  std::vector<size_t> slots_;
  std::atomic<bool> cancel_{false}, finished_{false};
  mutable std::mutex mu_;  // guards everything below, and serialises on_result_
  std::condition_variable work_cv_, space_cv_;
  std::deque<SweepPoint> queue_;
  bool closed_ = false;  // the plan is walked: no more points will come
  int live_workers_ = 0, valid_left_ = 0, runs_done_ = 0;
  double run_seconds_ = 0;
  std::chrono::steady_clock::time_point started_;
  SweepProgress progress_;
  std::thread thread_;
};

}  // namespace gemmscope
