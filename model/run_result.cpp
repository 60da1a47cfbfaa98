#include "model/run_result.h"

#include <ctime>
#include <stdexcept>

namespace gemmscope {

namespace {
constexpr std::pair<Disposition, const char*> kNames[] = {
    {Disposition::Passed, "passed"},          {Disposition::Incorrect, "incorrect"},
    {Disposition::Invalid, "invalid"},        {Disposition::CompileError, "compile_error"},
    {Disposition::LaunchError, "launch_error"}, {Disposition::Timeout, "timeout"},
    {Disposition::Crashed, "crashed"},        {Disposition::NoDevice, "no_device"},
    {Disposition::NotRun, "not_run"},
};
}  // namespace

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string to_string(Disposition d) {
  for (auto& [v, n] : kNames)
    if (v == d) return n;
  return "not_run";
}

std::string device_model_key(const RunResult& r) { return r.device.empty() ? r.arch : r.device; }

Disposition parse_disposition(const std::string& s) {
  for (auto& [v, n] : kNames)
    if (s == n) return v;
  throw std::invalid_argument("disposition '" + s + "' is unknown");
}

}  // namespace gemmscope
