#include "controller/sweep_job.h"

#include <chrono>

#include "controller/runner_client.h"
#include "model/families/card_family.h"

namespace gemmscope {

namespace {

// Points walked ahead of the runners, per runner: enough that none waits for the walk, few
// enough that a sweep of any size runs in flat memory.
constexpr size_t kQueuedPerRunner = 2;

RunResult invalid_result(const SweepPoint& pt) {
  RunResult r;
  r.config = pt.config;
  r.config_name = config_name(pt.config);
  r.card_hash = card_hash_of(pt.config);
  r.disposition = Disposition::Invalid;
  r.reason = pt.reason();
  r.created_at = utc_now();
  return r;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

SweepJob::SweepJob(RunnerPool& pool, SweepPlan plan, GpuSpec spec, OnResult on_result, OnMessage on_message)
    : pool_(pool), plan_(std::move(plan)), spec_(std::move(spec)), on_result_(std::move(on_result)), on_message_(std::move(on_message)) {
  progress_.running = true;
  slots_ = pool_.sweep_slots();
  for (const size_t slot : slots_) {
    const MemberStatus m = pool_.status(slot);
    RunnerProgress r;
    r.slot = slot;
    r.device_index = m.device_index;
    r.device = m.device;
    r.device_uuid = m.device_uuid;
    r.command = m.command;
    r.state = m.state;
    r.restarts = m.restarts;
    progress_.runners.push_back(std::move(r));
  }
  thread_ = std::thread([this] { work(); });
}

SweepJob::~SweepJob() {
  cancel();
  wait();
}

void SweepJob::cancel() {
  {
    std::lock_guard lock(mu_);
    cancel_ = true;
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
}

void SweepJob::wait() {
  if (thread_.joinable()) thread_.join();
}

SweepProgress SweepJob::progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return progress_;
}

void SweepJob::work() {
  started_ = std::chrono::steady_clock::now();
  // Two passes over the plan, neither keeping its points: the first counts them (the valid ones
  // for the time-left estimate), the second hands them to the runners. A sweep of any size runs
  // in flat memory.
  int total = 0, valid = 0;
  try {
    for_each_point(plan_, spec_, [&](SweepPoint&& pt) {
      ++total;
      valid += pt.valid() ? 1 : 0;
      return !cancel_;
    });
  } catch (const std::exception& e) {
    RunResult r;
    r.config = plan_.base;
    r.config_name = config_name(plan_.base);
    r.disposition = Disposition::Invalid;
    r.reason = std::string("the sweep plan is invalid: ") + e.what();
    r.created_at = utc_now();
    std::lock_guard<std::mutex> lock(mu_);
    on_result_(r);
    progress_.last_failure = r.reason;
    total = 0;
  }
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.total = total;
    valid_left_ = valid;
    live_workers_ = total > 0 ? int(slots_.size()) : 0;
  }
  if (total > 0) {
    for (size_t k = 0; k < slots_.size(); ++k) workers.emplace_back([this, k] { serve(k); });
    const size_t depth = kQueuedPerRunner * slots_.size();
    for_each_point(plan_, spec_, [&](SweepPoint&& pt) {
      std::unique_lock<std::mutex> lock(mu_);
      space_cv_.wait(lock, [&] { return cancel_ || queue_.size() < depth || live_workers_ == 0; });
      if (cancel_ || live_workers_ == 0) return false;
      queue_.push_back(std::move(pt));
      work_cv_.notify_one();
      return true;
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  work_cv_.notify_all();
  for (auto& w : workers) w.join();
  std::lock_guard<std::mutex> lock(mu_);
  // What a cancel left unrun. (Without a cancel nothing is left: the pool never removes its last
  // runner, so some worker serves until the queue is empty.)
  queue_.clear();
  progress_.running = false;
  progress_.cancelled = cancel_;
  progress_.elapsed_s = seconds_since(started_);
  for (auto& r : progress_.runners) r.busy = false, r.current.clear();
  finished_ = true;
}

void SweepJob::serve(size_t k) {
  const size_t slot = slots_[k];
  RunnerClient& runner = pool_.client(slot);
  for (;;) {
    SweepPoint pt;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return cancel_ || !queue_.empty() || closed_; });
      if (cancel_ || queue_.empty()) break;
      pt = std::move(queue_.front());
      queue_.pop_front();
      if (pt.valid()) {
        progress_.runners[k].busy = true;
        progress_.runners[k].current = config_name(pt.config);
      }
    }
    space_cv_.notify_one();
    RunResult r;
    double took = 0;
    if (!pt.valid()) {
      r = invalid_result(pt);
    } else {
      const auto s = std::chrono::steady_clock::now();
      r = runner.run(pt.config, plan_.options);
      took = seconds_since(s);
    }
    const bool removed = pt.valid() && pool_.record(slot, r.disposition);
    std::string message;
    {
      std::lock_guard<std::mutex> lock(mu_);
      on_result_(r);
      ++progress_.done;
      const std::string why = r.config_name + ": " + to_string(r.disposition) + ": " + r.reason;
      RunnerProgress& mine = progress_.runners[k];
      if (!pt.valid()) {
        ++progress_.skipped;
        progress_.last_skipped = why;
      } else {
        ++runs_done_;
        --valid_left_;
        run_seconds_ += took;
        ++mine.done;
        mine.busy_s += took;
        mine.busy = false;
        mine.current.clear();
        mine.restarts = runner.restarts();
        if (r.disposition != Disposition::Passed) {
          ++progress_.failed;
          ++mine.failed;
          progress_.last_failure = mine.last_failure = why;
        }
      }
      progress_.elapsed_s = seconds_since(started_);
      // Time left: the valid points still to run, at the mean time of the runs so far, shared by
      // the runners still working (O(1) a point).
      progress_.eta_s = runs_done_ && live_workers_ ? run_seconds_ / runs_done_ * valid_left_ / live_workers_ : 0;
      if (removed) {
        mine.state = MemberState::Removed;
        --live_workers_;
        message = pool_.describe(slot) + " is out of the pool: " + pool_.status(slot).why + "; the other runners take its points. Its last: " +
                  why;
      }
    }
    if (removed) {
      space_cv_.notify_all();
      if (on_message_) on_message_(message, true);
      return;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    --live_workers_;
  }
  space_cv_.notify_all();
}

}  // namespace gemmscope
