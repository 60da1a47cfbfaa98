#include "controller/sweep_job.h"

#include <chrono>

#include "controller/runner_client.h"
#include "model/families/card_family.h"

namespace gemmscope {

SweepJob::SweepJob(RunnerClient& runner, SweepPlan plan, GpuSpec spec, OnResult on_result)
    : runner_(runner), plan_(std::move(plan)), spec_(std::move(spec)), on_result_(std::move(on_result)) {
  progress_.running = true;
  thread_ = std::thread([this] { work(); });
}

SweepJob::~SweepJob() {
  cancel();
  wait();
}

void SweepJob::wait() {
  if (thread_.joinable()) thread_.join();
}

SweepProgress SweepJob::progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return progress_;
}

void SweepJob::work() {
  const auto t0 = std::chrono::steady_clock::now();
  // Two passes over the plan, neither keeping its points: the first counts them (the valid ones
  // for the time-left estimate), the second runs them. A sweep of any size runs in flat memory.
  int total = 0, valid_left = 0;
  try {
    for_each_point(plan_, spec_, [&](SweepPoint&& pt) {
      ++total;
      valid_left += pt.valid() ? 1 : 0;
      return !cancel_;
    });
  } catch (const std::exception& e) {
    RunResult r;
    r.config = plan_.base;
    r.config_name = config_name(plan_.base);
    r.disposition = Disposition::Invalid;
    r.reason = std::string("the sweep plan is invalid: ") + e.what();
    r.created_at = utc_now();
    on_result_(r);
    std::lock_guard<std::mutex> lock(mu_);
    progress_.last_failure = r.reason;
    total = 0;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.total = total;
  }
  int runs_done = 0;
  double run_seconds = 0;
  if (total > 0)
    for_each_point(plan_, spec_, [&](SweepPoint&& pt) {
      if (cancel_) return false;
      RunResult r;
      if (!pt.valid()) {
        r.config = pt.config;
        r.config_name = config_name(pt.config);
        r.card_hash = card_hash_of(pt.config);
        r.disposition = Disposition::Invalid;
        r.reason = pt.reason();
        r.created_at = utc_now();
      } else {
        const auto s = std::chrono::steady_clock::now();
        r = runner_.run(pt.config, plan_.options);
        run_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
        ++runs_done;
        --valid_left;
      }
      on_result_(r);
      std::lock_guard<std::mutex> lock(mu_);
      ++progress_.done;
      if (!pt.valid()) ++progress_.skipped;
      else if (r.disposition != Disposition::Passed) ++progress_.failed;
      const std::string why = r.config_name + ": " + to_string(r.disposition) + ": " + r.reason;
      if (!pt.valid()) progress_.last_skipped = why;
      else if (r.disposition != Disposition::Passed) progress_.last_failure = why;
      progress_.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      // Time left: the valid points still to run, at the mean time of the runs so far (O(1) a point).
      progress_.eta_s = runs_done ? run_seconds / runs_done * valid_left : 0;
      return true;
    });
  std::lock_guard<std::mutex> lock(mu_);
  progress_.running = false;
  progress_.cancelled = cancel_;
  finished_ = true;
}

}  // namespace gemmscope
