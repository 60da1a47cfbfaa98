#include "controller/guided_run.h"

#include "model/kernel_family.h"

namespace gemmscope {

GuidedRun::GuidedRun(KernelConfig start, RunOptions options, GpuSpec running, GpuSpec reference, TuneBudget budget, std::string tag)
    : tuner_(start, running, std::move(reference), budget),
      base_(std::move(start)),
      options_(std::move(options)),
      running_(std::move(running)),
      tag_(std::move(tag)) {}

void GuidedRun::start(RunSession& s) { post_next(s); }

void GuidedRun::post_next(RunSession& s) {
  std::vector<KernelConfig> batch = tuner_.next_batch();
  if (batch.empty()) return;
  SweepPlan plan;
  plan.base = base_;
  plan.points = std::move(batch);
  plan.options = options_;
  plan.tag = tag_;
  sweep_out_ = true;
  ++batches_;
  s.start_sweep(plan, running_);
}

void GuidedRun::on_event(const SessionEvent& e, RunSession& s) {
  if (!sweep_out_) return;
  if (const auto* r = std::get_if<SweepResultEvent>(&e)) {
    results_.push_back(r->result);
    tuner_.record(r->result);
  } else if (const auto* p = std::get_if<SweepProgressEvent>(&e); p && p->finished) {
    sweep_out_ = false;
    if (cancelled_ || p->progress.cancelled) {
      tuner_.abort("cancelled after " + std::to_string(tuner_.runs()) + " runs");
      return;
    }
    // A point the sweep never answered (a sweep refused while another ran) ends the batch as not run.
    tuner_.end_batch("the sweep ended without running it");
    post_next(s);
  }
}

void GuidedRun::cancel(RunSession& s) {
  cancelled_ = true;
  if (sweep_out_) s.cancel_sweep();
  else tuner_.abort("cancelled");
}

}  // namespace gemmscope
