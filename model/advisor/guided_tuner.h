// GuidedTuner: run -> advise -> try -> keep the best, until no suggestion helps or the budget is
// spent. A state machine with no I/O: its driver (the CLI's `tune --guided`, the GUI's Guided
// button) runs each batch it hands out, as a small sweep, and records the results.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/advisor/advice.h"
#include "model/gpu_spec.h"
#include "model/run_result.h"

namespace gemmscope {

struct TuneBudget {
  int max_runs = 32;          // runs in all, the start included
  int max_steps = 8;          // kept improvements
  double min_gain = 0.01;     // a run must be this much faster (1 %) to count as an improvement (timing noise)
  int batch = 4;              // suggestions tried together
};

// One run the tuner asked for, with why.
struct TuneTry {
  int step = 0;               // the improvement step it belonged to (0: the start)
  KernelConfig config;
  std::string name;
  std::string finding;        // the finding its suggestion addressed ("" for the start)
  std::string reason;
  std::optional<RunResult> result;
};

// A kept config: the start, then each improvement, with the finding and move that led to it.
struct TuneStep {
  RunResult run;
  std::string finding, reason;
  double speedup_over_start = 1;
  std::vector<std::string> moved;   // the counters that moved most against the previous step
};

class GuidedTuner {
 public:
  GuidedTuner(KernelConfig start, GpuSpec running, GpuSpec reference, TuneBudget = {}, AdviseOptions = {});

  // The configs to run next; empty once the tuner is done (or while a batch is out).
  std::vector<KernelConfig> next_batch();
  // A result of the batch handed out (matched by config name); the batch ends when all are in.
  void record(const RunResult&);
  // The batch ended (its sweep finished) with configs unanswered: each is recorded as not run
  // with `why`, so the batch closes and the tuner goes on.
  void end_batch(const std::string& why);
  // A batch that can no longer finish (a cancelled sweep): the tuner stops with this reason.
  void abort(const std::string& reason);

  bool done() const { return done_; }
  const std::string& stop_reason() const { return stop_reason_; }
  const std::vector<TuneStep>& path() const { return path_; }
  const std::vector<TuneTry>& tries() const { return tries_; }
  const std::optional<Advice>& last_advice() const { return advice_; }
  int runs() const { return int(tries_.size()); }
  // Every config name handed out so far: what further advice should not offer again.
  const std::set<std::string>& tried() const { return tried_; }
  // The fastest passing run so far, nullptr when none passed.
  const RunResult* best() const { return path_.empty() ? nullptr : &path_.back().run; }

 private:
  void finish_batch();
  void stop(const std::string& why);
  bool passes(const RunResult&) const;

  GpuSpec running_, reference_;
  TuneBudget budget_;
  AdviseOptions options_;
  std::vector<TuneTry> tries_;
  std::vector<TuneStep> path_;
  std::set<std::string> tried_;
  std::vector<size_t> out_;              // indexes into tries_ of the batch handed out
  std::vector<Suggestion> queue_;        // the current advice's suggestions not yet tried
  std::optional<RunResult> advised_;     // the run the queue came from
  std::optional<Advice> advice_;
  bool done_ = false;
  std::string stop_reason_;
};

// The path as lines: "1. <config> 5.954 ms  (start)", "2. <config> 2.101 ms  2.83x  split_k ...".
std::string tune_path_text(const GuidedTuner&);

}  // namespace gemmscope
