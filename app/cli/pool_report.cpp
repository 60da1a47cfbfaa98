#include "app/cli/pool_report.h"

#include <cstdio>

namespace gemmscope::cli {

namespace {

std::string gpu_label(int device_index, size_t slot) {
  return device_index >= 0 ? "gpu" + std::to_string(device_index) : "runner" + std::to_string(slot);
}

}  // namespace

std::string pool_problems(const HelloEvent& h) {
  std::string out;
  if (!h.pool_error.empty()) out += h.pool_error + "\n";
  for (size_t i = 0; i < h.runners.size(); ++i)
    if (!h.runners[i].ok) out += "runner " + std::to_string(i) + " (" + h.runners[i].command + "): " + h.runners[i].error + "\n";
  return out;
}

std::string runners_text(const HelloEvent& h) {
  std::string out;
  for (size_t i = 0; i < h.runners.size(); ++i) {
    const RunnerInfo& r = h.runners[i];
    char b[1024];
    std::snprintf(b, sizeof b, "  runner %zu  %-7s %-24s %-42s %s %s  (%s)\n", i,
                  r.device_index >= 0 ? ("device " + std::to_string(r.device_index)).c_str() : "device ?", r.detected.name.c_str(),
                  r.device_uuid.empty() ? "-" : r.device_uuid.c_str(), r.runner_kind.c_str(), r.build.c_str(), r.command.c_str());
    out += b;
  }
  return out;
}

const GpuSpec& spec_of(const HelloEvent& h, const RunResult& r) {
  if (!r.device_uuid.empty())
    for (const RunnerInfo& i : h.runners)
      if (i.ok && i.device_uuid == r.device_uuid) return i.detected;
  for (const RunnerInfo& i : h.runners)
    if (i.ok && i.detected.name == r.device) return i.detected;
  return h.info.detected;
}

std::vector<GpuSpec> detected_specs(const HelloEvent& h) {
  std::vector<GpuSpec> out;
  for (const RunnerInfo& i : h.runners)
    if (i.ok) out.push_back(i.detected);
  return out;
}

std::string runner_counts(const SweepProgress& p) {
  std::string out;
  for (const RunnerProgress& r : p.runners) {
    out += (out.empty() ? "" : ", ") + gpu_label(r.device_index, r.slot) + " ";
    out += r.state == MemberState::Removed ? "out" : std::to_string(r.done);
  }
  return out;
}

std::string runner_summary(const SweepProgress& p) {
  std::string out;
  for (const RunnerProgress& r : p.runners) {
    char b[512];
    std::snprintf(b, sizeof b, "  %-8s %-24s %5d points  %4d failed  %3d restarts  %7.1f s busy%s\n", gpu_label(r.device_index, r.slot).c_str(),
                  r.device.empty() ? r.command.c_str() : r.device.c_str(), r.done, r.failed, r.restarts, r.busy_s,
                  r.state == MemberState::Removed ? "  (out of the pool)" : "");
    out += b;
  }
  return out;
}

}  // namespace gemmscope::cli
