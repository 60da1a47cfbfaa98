// GuidedRun: a GuidedTuner driven through a RunSession. Each batch of the tuner is posted as a
// small sweep (stored under one tag, with progress and cancel like any sweep); results feed the
// tuner and a finished sweep posts the next batch. The CLI's `tune` and the GUI's Guided button
// both drive this, so the loop is one piece of code.
#pragma once
#include <string>
#include <vector>

#include "controller/run_session.h"
#include "model/advisor/guided_tuner.h"

namespace gemmscope {

class GuidedRun {
 public:
  GuidedRun(KernelConfig start, RunOptions, GpuSpec running, GpuSpec reference, TuneBudget, std::string tag);
  void start(RunSession&);
  // Every event of the session goes through here; the guided sweeps' results and ends are used.
  void on_event(const SessionEvent&, RunSession&);
  void cancel(RunSession&);  // stops after the run in flight
  bool done() const { return tuner_.done(); }
  bool running() const { return sweep_out_; }
  const GuidedTuner& tuner() const { return tuner_; }
  const std::string& tag() const { return tag_; }
  int batches() const { return batches_; }
  const std::vector<RunResult>& results() const { return results_; }  // every result, in order

 private:
  void post_next(RunSession&);

  GuidedTuner tuner_;
  KernelConfig base_;
  RunOptions options_;
  GpuSpec running_;
  std::string tag_;
  std::vector<RunResult> results_;
  bool sweep_out_ = false, cancelled_ = false;
  int batches_ = 0;
};

}  // namespace gemmscope
