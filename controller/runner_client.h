// RunnerClient: drives one gemmscope-runner process over JSON lines (model/protocol.h), with a
// watchdog. A runner that faults, hangs, dies or breaks the protocol is killed and restarted;
// the request comes back as a failed RunResult (Timeout / Crashed / LaunchError / NoDevice, from
// the kind of failure, never from a message's text) and the caller goes on.
#pragma once
#include <atomic>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "model/gpu_spec.h"
#include "model/protocol.h"

namespace gemmscope {

struct RunnerInfo {
  bool ok = false;
  std::string error;        // why there is no device, in words a user can act on
  Disposition failure = Disposition::NoDevice;  // what a run on this runner is recorded as while !ok
  GpuSpec detected;         // the running GPU, from its attributes
  std::string runner_kind;  // "cuda" or "replay" (a replay runner answers from a stored file)
  std::string cuda_driver, nvrtc, cublas, build;  // versions; build is the runner's git commit
  int protocol = 0;
  // Which GPU of its host (HelloReply): -1, 0 and "" where the runner does not say.
  int device_index = -1, device_count = 0;
  std::string device_uuid;
  std::string command;      // the runner's command line, as a shell would read it (for messages)
  nlohmann::json extra = nlohmann::json::object();
};

// Why a call got no reply from the runner.
enum class CallFailure {
  None,
  StartFailed,  // the process could not be started (no executable, no driver library)
  Timeout,      // no answer within the request's limit: the watchdog killed it
  Exited,       // the runner ended before answering
  NotJson,      // it wrote a line that is not JSON
  IdMismatch,   // it answered another request than the one asked
  BadReply,     // JSON, but not the reply the protocol defines
};
struct CallOutcome {
  std::optional<Reply> reply;
  CallFailure failure = CallFailure::None;
  std::string error;  // what happened, with the runner's last stderr lines where it died
};
Disposition disposition_for(CallFailure);

// One thread at a time drives a client (the session's, or one sweep worker's); restarts() may be
// read from any thread.
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
  // Runs one config; always returns a result (failures have a disposition and reason). A result
  // no GPU could have produced (implausibility()) is recorded as incorrect, saying why.
  RunResult run(const KernelConfig&, const RunOptions&);
  // Sends one request (its id is assigned here) and waits for the reply to it.
  CallOutcome call(Request request, double timeout_s);
  void stop();
  int restarts() const { return restarts_; }
  const std::vector<std::string>& command() const { return command_; }
  std::string command_text() const;  // the command as one line (join_shell_words)

 private:
  bool start(std::string& error);
  void kill_runner();
  void lose_runner();  // kill, and count a restart
  std::optional<std::string> read_line(double timeout_s, CallFailure& failure, std::string& error);
  std::vector<std::string> command_;
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1, err_child_ = -1;
  std::string buffer_, stderr_tail_;
  int64_t next_id_ = 1;
  std::atomic<int> restarts_{0};
  std::optional<RunnerInfo> info_;
};

// The runner next to the running executable (build/runner/gemmscope-runner or ../runner/...).
std::string default_runner_path();

}  // namespace gemmscope
