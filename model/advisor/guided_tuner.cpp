#include "model/advisor/guided_tuner.h"

#include <algorithm>
#include <cstdio>

#include "model/advisor/run_compare.h"
#include "model/kernel_family.h"

namespace gemmscope {

GuidedTuner::GuidedTuner(KernelConfig start, GpuSpec running, GpuSpec reference, TuneBudget budget, AdviseOptions options)
    : running_(std::move(running)), reference_(std::move(reference)), budget_(budget), options_(std::move(options)) {
  TuneTry t;
  t.config = start;
  t.name = config_name(start);
  t.reason = "the starting config";
  tries_.push_back(t);
  tried_.insert(t.name);
}

bool GuidedTuner::passes(const RunResult& r) const {
  // The KernelBench judge: a run that misses allclose is never kept, however fast.
  return r.disposition == Disposition::Passed && r.verify.allclose() && r.ms_median > 0;
}

std::vector<KernelConfig> GuidedTuner::next_batch() {
  if (done_ || !out_.empty()) return {};
  std::vector<KernelConfig> batch;
  if (tries_.size() == 1 && !tries_[0].result) {
    out_.push_back(0);
    return {tries_[0].config};
  }
  const int left = budget_.max_runs - int(tries_.size());
  if (left <= 0) {
    stop("the run budget (" + std::to_string(budget_.max_runs) + " runs) is spent");
    return {};
  }
  const int n = std::min({left, budget_.batch, int(queue_.size())});
  for (int i = 0; i < n; ++i) {
    const Suggestion& s = queue_[size_t(i)];
    TuneTry t;
    t.step = int(path_.size());
    t.config = s.config;
    t.name = s.name;
    t.finding = s.finding;
    t.reason = s.reason;
    tried_.insert(t.name);
    out_.push_back(tries_.size());
    tries_.push_back(t);
    batch.push_back(s.config);
  }
  queue_.erase(queue_.begin(), queue_.begin() + n);
  if (batch.empty()) stop(path_.empty() ? "no valid suggestion for the starting config" : "no suggestion left to try");
  return batch;
}

void GuidedTuner::record(const RunResult& r) {
  for (size_t i : out_)
    if (!tries_[i].result && tries_[i].name == r.config_name) {
      tries_[i].result = r;
      break;
    }
  for (size_t i : out_)
    if (!tries_[i].result) return;
  finish_batch();
}

void GuidedTuner::end_batch(const std::string& why) {
  for (size_t i : std::vector<size_t>(out_))  // record() may close the batch and clear out_
    if (!tries_[i].result) {
      RunResult r;
      r.config = tries_[i].config;
      r.config_name = tries_[i].name;
      r.disposition = Disposition::NotRun;
      r.reason = why;
      record(r);
    }
}

void GuidedTuner::abort(const std::string& reason) {
  out_.clear();
  stop(reason);
}

void GuidedTuner::stop(const std::string& why) {
  if (done_) return;
  done_ = true;
  stop_reason_ = why;
}

void GuidedTuner::finish_batch() {
  const std::vector<size_t> batch = std::exchange(out_, {});
  const TuneTry* fastest = nullptr;
  for (size_t i : batch) {
    const TuneTry& t = tries_[i];
    if (t.result && passes(*t.result) && (!fastest || t.result->ms_median < fastest->result->ms_median)) fastest = &t;
  }
  const RunResult* best = this->best();
  const bool first = batch.size() == 1 && batch[0] == 0;
  bool improved = false;
  if (fastest && (!best || fastest->result->ms_median < best->ms_median * (1 - budget_.min_gain))) {
    TuneStep s;
    s.run = *fastest->result;
    s.finding = fastest->finding;
    if (!fastest->finding.empty()) s.reason = fastest->reason;  // the start has no reason beyond being the start
    if (best) {
      s.speedup_over_start = path_.front().run.ms_median / s.run.ms_median;
      s.moved = moved_most(compare_runs(*best, running_, s.run, running_), 4);
    }
    path_.push_back(std::move(s));
    improved = true;
  }
  // Advice comes from the best run; a start that failed (TF32 outside allclose) is advised on as is.
  const RunResult* from = this->best();
  if (!from && tries_[0].result && tries_[0].result->reps > 0) from = &*tries_[0].result;
  if (!from) {
    stop("the starting config did not run: " + (tries_[0].result ? tries_[0].result->reason : std::string("no result")));
    return;
  }
  if (int(path_.size()) > budget_.max_steps) {
    stop("the step budget (" + std::to_string(budget_.max_steps) + " improvements) is spent");
    return;
  }
  if (improved || first) {
    AdviseOptions o = options_;
    o.suggest.exclude = tried_;
    o.suggest.max = std::max(budget_.batch * 2, o.suggest.max);
    advice_ = advise(*from, running_, reference_, o);
    advised_ = *from;
    queue_ = advice_->suggestions;
    if (advice_->stop) {
      stop(advice_->summary);
      return;
    }
  } else {
    // Nothing in this batch beat the best: the rest of the same advice gets one more batch, then the tuner stops.
    std::erase_if(queue_, [&](const Suggestion& s) { return tried_.count(s.name) > 0; });
    if (queue_.empty()) {
      stop("no suggestion beat " + best->config_name + " by " + std::to_string(int(budget_.min_gain * 100 + 0.5)) + " %");
      return;
    }
  }
  if (queue_.empty()) stop(path_.empty() ? "no valid suggestion for the starting config" : "no further suggestion for " + from->config_name);
}

std::string tune_path_text(const GuidedTuner& t) {
  std::string s;
  int i = 0;
  for (const auto& step : t.path()) {
    char b[256];
    std::snprintf(b, sizeof b, "%2d. %-60s %9.4f ms  %5.2fx", ++i, step.run.config_name.c_str(), step.run.ms_median, step.speedup_over_start);
    s += b;
    s += step.reason.empty() ? "  (start)\n" : "\n      " + step.reason + "  [" + step.finding + "]\n";
    for (const auto& m : step.moved) s += "      moved: " + m + "\n";
  }
  return s;
}

}  // namespace gemmscope
