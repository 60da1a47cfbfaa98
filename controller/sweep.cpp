#include "controller/sweep.h"

#include <chrono>
#include <sstream>
#include <stdexcept>

#include "controller/runner_client.h"
#include "model/validate.h"

namespace gemmscope {

std::vector<SweepPoint> expand(const SweepPlan& plan, const GpuSpec& spec) {
  std::vector<SweepPoint> points;
  std::vector<size_t> idx(plan.axes.size(), 0);
  for (const auto& [p, values] : plan.axes)
    if (values.empty()) throw std::invalid_argument("sweep axis " + param_name(p) + " has no values");
  for (;;) {
    KernelConfig c = plan.base;
    for (size_t a = 0; a < plan.axes.size(); ++a) set_param(c, plan.axes[a].first, plan.axes[a].second[idx[a]]);
    points.push_back({c, validate(c, spec)});
    // Odometer over the axes, last axis fastest.
    size_t a = plan.axes.size();
    while (a > 0) {
      --a;
      if (++idx[a] < plan.axes[a].second.size()) break;
      idx[a] = 0;
      if (a == 0) return points;
    }
    if (plan.axes.empty()) return points;
  }
}

std::pair<Param, std::vector<int>> parse_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw std::invalid_argument("axis '" + text + "': expected name=v1,v2,... or name=lo..hi (powers of two)");
  const Param p = parse_param(text.substr(0, eq));
  const std::string values = text.substr(eq + 1);
  std::vector<int> out;
  if (auto dots = values.find(".."); dots != std::string::npos) {
    const int lo = parse_param_value(p, values.substr(0, dots)), hi = parse_param_value(p, values.substr(dots + 2));
    if (!is_pow2(lo) || !is_pow2(hi) || lo > hi)
      throw std::invalid_argument("axis '" + text + "': a range runs between powers of two, low to high");
    for (int v = lo; v <= hi; v *= 2) out.push_back(v);
    return {p, out};
  }
  std::stringstream in(values);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(parse_param_value(p, item));
  return {p, out};
}

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
  std::vector<SweepPoint> points;
  try {
    points = expand(plan_, spec_);
  } catch (const std::exception& e) {
    RunResult r;
    r.config = plan_.base;
    r.disposition = Disposition::Invalid;
    r.reason = e.what();
    on_result_(r);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.total = int(points.size());
  }
  int runs_done = 0;
  double run_seconds = 0;
  for (const auto& pt : points) {
    if (cancel_) break;
    RunResult r;
    if (pt.invalid) {
      r.config = pt.config;
      r.config_name = pt.config.name();
      r.disposition = Disposition::Invalid;
      r.reason = pt.invalid->message();
      r.created_at = utc_now();
    } else {
      const auto s = std::chrono::steady_clock::now();
      r = runner_.run(pt.config, plan_.options);
      run_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
      ++runs_done;
    }
    on_result_(r);
    std::lock_guard<std::mutex> lock(mu_);
    ++progress_.done;
    if (pt.invalid) ++progress_.skipped;
    else if (r.disposition != Disposition::Passed) ++progress_.failed;
    progress_.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Time left from the valid points still to run, at the mean time of the runs so far.
    int valid_left = 0;
    for (size_t i = size_t(progress_.done); i < points.size(); ++i) valid_left += points[i].invalid ? 0 : 1;
    progress_.eta_s = runs_done ? run_seconds / runs_done * valid_left : 0;
  }
  std::lock_guard<std::mutex> lock(mu_);
  progress_.running = false;
  progress_.cancelled = cancel_;
  finished_ = true;
}

}  // namespace gemmscope
