// RunnerClient: drives one gemmscope-runner process over JSON lines, with a watchdog.
// A runner that faults, hangs or dies is killed and restarted; the request comes back as a
// failed RunResult (Timeout / Crashed / LaunchError) and the caller goes on.
#pragma once
#include <optional>
#include <string>
#include <sys/types.h>
#include <nlohmann/json.hpp>
#include "model/gpu_spec.h"
#include "model/protocol.h"

namespace gemmscope {

struct RunnerInfo {
  bool ok = false;
  std::string error;        // why there is no device, in words a user can act on
  GpuSpec detected;         // the running GPU, from its attributes
  std::string runner_kind;  // "cuda" or "replay" (a replay runner answers from a stored file)
  std::string cuda_driver, nvrtc, cublas;  // versions
};

class RunnerClient {
 public:
  // `command` is the runner executable and its arguments (e.g. {path, "--device", "0"}).
  explicit RunnerClient(std::vector<std::string> command);
  ~RunnerClient();
  RunnerClient(const RunnerClient&) = delete;
  RunnerClient& operator=(const RunnerClient&) = delete;

  // Starts the runner if needed and asks for its device. Never throws.
  RunnerInfo hello();
  // Measures the device's ceilings (a few seconds of GPU time) and caches them per device; the
  // detected spec of later hello() calls carries them. nullopt with `error` set on failure.
  std::optional<MeasuredCeilings> measure_ceilings(std::string& error);
  // Runs one config; always returns a result (failures have a disposition and reason).
  RunResult run(const KernelConfig&, const RunOptions&);
  // Sends any request; returns the response or nullopt with `error` set (runner died / timed out).
  std::optional<nlohmann::json> call(const nlohmann::json& request, double timeout_s, std::string& error);
  void stop();
  int restarts() const { return restarts_; }

 private:
  bool start(std::string& error);
  void kill_runner();
  std::optional<std::string> read_line(double timeout_s, std::string& error);
  std::vector<std::string> command_;
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1, err_child_ = -1;
  std::string buffer_, stderr_tail_;
  int64_t next_id_ = 1;
  int restarts_ = 0;
  std::optional<RunnerInfo> info_;
};

// The runner next to the running executable (build/runner/gemmscope-runner or ../runner/...).
std::string default_runner_path();

}  // namespace gemmscope
