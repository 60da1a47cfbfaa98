#include "app/replay_runner/replay_book.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "model/kernel_family.h"
#include "model/json_codec.h"
#include "model/validate.h"

namespace gemmscope {

namespace {

// Distance between two configs of one problem: log2 steps over every tunable, and a large
// step for another family, so a neighbour of the same family always wins.
double distance(const KernelConfig& a, const KernelConfig& b) {
  double d = a.family == b.family ? 0 : 1000;
  for (const auto& [name, va] : a.params.items()) {
    const auto vb = b.params.find(name);
    if (!vb) {
      d += 1;
      continue;
    }
    const double x = va, y = *vb;
    if (x == y) continue;
    d += (x > 0 && y > 0) ? std::fabs(std::log2(x) - std::log2(y)) : 1;
  }
  return d;
}

}  // namespace

ReplayBook::ReplayBook(const std::string& path) : ReplayBook(std::vector<std::string>{path}) {}

ReplayBook::ReplayBook(const std::vector<std::string>& paths) {
  for (const auto& p : paths) path_ += (path_.empty() ? "" : ", ") + p;
  for (const auto& path : paths) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("replay file " + path + ": cannot be opened");
    nlohmann::json j;
    try {
      in >> j;
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("replay file " + path + ": not JSON (" + e.what() + ")");
    }
    if (!j.is_array()) throw std::runtime_error("replay file " + path + ": must be a JSON array of run results");
    for (size_t i = 0; i < j.size(); ++i) {
      try {
        RunResult r = result_from_json(j[i]);
        if (r.config_name.empty()) r.config_name = config_name(r.config);
        results_.push_back(std::move(r));
      } catch (const std::exception& e) {
        // A run of a kernel card the runner was not given (--card) cannot be read back; the rest can.
        skipped_.push_back(path + " entry " + std::to_string(i) + ": " + e.what());
      }
    }
  }
  if (results_.empty() && !skipped_.empty())
    throw std::runtime_error("replay file " + path_ + ": no entry can be read (" + skipped_.front() + ")");
}

std::string ReplayBook::device() const {
  std::map<std::string, int> count;
  for (const auto& r : results_) ++count[r.device];
  std::string best;
  int n = 0;
  for (const auto& [d, c] : count)
    if (c > n) best = d, n = c;
  return best;
}

RunResult ReplayBook::answer(const KernelConfig& requested, const GpuSpec& spec) const {
  RunResult out;
  out.config = requested;
  out.config_name = config_name(requested);
  out.device = spec.name;
  out.arch = spec.arch();
  const Validation v = validate(requested, spec);
  if (!v.ok()) {
    out.disposition = Disposition::Invalid;
    out.reason = "replayed: " + v.message();
    return out;
  }
  const RunResult* best = nullptr;
  double best_d = std::numeric_limits<double>::infinity();
  for (const auto& r : results_) {
    // Of several stored runs of the exact config, the one with the most counters, then the latest.
    if (r.config_name == out.config_name) {
      if (best_d != 0 || r.metrics.size() >= best->metrics.size()) best = &r;
      best_d = 0;
      continue;
    }
    if (best_d == 0 || !(r.config.shape == requested.shape)) continue;
    const double d = distance(r.config, requested);
    if (d < best_d) best = &r, best_d = d;
  }
  if (!best) {
    out.disposition = Disposition::NotRun;
    out.reason = "replayed: " + path_ + " holds no result for problem " + problem_name(requested.shape);
    return out;
  }
  out = *best;
  out.id = 0;
  out.config = requested;
  out.config_name = config_name(requested);
  // The replay claims its spec's GPU (as its hello does), so a pool of replays stands in for mixed models.
  out.device = spec.name;
  out.arch = spec.arch();
  const std::string what = best_d == 0 ? "replayed from " + path_
                                       : "replayed from the nearest stored config " + best->config_name + " in " + path_;
  out.reason = best->reason.empty() ? what : what + "; stored reason: " + best->reason;
  // The launch geometry follows from the config alone, so it is the requested one's.
  if (const LaunchStep* k = v.launch->plan.main_kernel()) {
    out.grid_size = k->grid.count();
    out.block_size = k->block.count();
  }
  return out;
}

}  // namespace gemmscope
