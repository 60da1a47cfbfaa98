#include "controller/runner_client.h"

#include "controller/ceiling_cache.h"
#include "controller/shell_words.h"
#include "model/families/card_family.h"
#include "model/kernel_family.h"
#include "model/result_check.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gemmscope {

namespace {

constexpr size_t kStderrKeep = 4096;
constexpr double kHelloTimeoutS = 180;  // driver init, cuBLAS and the utility kernels' first JIT
constexpr int kExitCannotStart = 127;   // the shell's and exec's "could not run it" status

void set_cloexec_nonblock(int fd) {
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}

bool driver_library_present() {
  void* h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (h) dlclose(h);
  return h != nullptr;
}

std::string tail_of(std::string tail) {
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  if (tail.size() > 600) tail = "..." + tail.substr(tail.size() - 600);
  return tail;
}

}  // namespace

Disposition disposition_for(CallFailure f) {
  switch (f) {
    case CallFailure::None: return Disposition::Passed;
    case CallFailure::StartFailed: return Disposition::NoDevice;
    case CallFailure::Timeout: return Disposition::Timeout;
    case CallFailure::Exited:
    case CallFailure::NotJson:
    case CallFailure::IdMismatch:
    case CallFailure::BadReply: return Disposition::Crashed;
  }
  return Disposition::Crashed;
}

std::string default_runner_path() {
  if (const char* e = std::getenv("GEMMSCOPE_RUNNER")) return e;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = exe.parent_path();
    for (const fs::path& p : {dir / "gemmscope-runner", dir / "../runner/gemmscope-runner", dir / "../../runner/gemmscope-runner",
                              dir / "../../../runner/gemmscope-runner"})
      if (fs::exists(p)) return fs::weakly_canonical(p).string();
  }
  return "gemmscope-runner";  // from PATH
}

RunnerClient::RunnerClient(std::vector<std::string> command) : command_(std::move(command)) {
  // A runner that dies must not take us down with SIGPIPE when we write to it.
  std::signal(SIGPIPE, SIG_IGN);
}

RunnerClient::~RunnerClient() { stop(); }

std::string RunnerClient::command_text() const { return command_.empty() ? "(none)" : join_shell_words(command_); }

bool RunnerClient::start(std::string& error) {
  if (pid_ > 0) return true;
  if (command_.empty()) {
    error = "no runner command given";
    return false;
  }
  // Close-on-exec from the start: a pool's other threads may fork their runners at any moment,
  // and a child that inherited this runner's pipe ends would hide its death (no EOF) until the
  // watchdog fired. The child's dup2 onto 0, 1 and 2 clears the flag on the ones it keeps.
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
    error = std::string("cannot create pipes for the runner: ") + strerror(errno);
    return false;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    error = std::string("cannot fork the runner: ") + strerror(errno);
    return false;
  }
  if (pid == 0) {
    dup2(in[0], 0), dup2(out[1], 1), dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    std::vector<char*> argv;
    for (auto& a : command_) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    fprintf(stderr, "cannot start %s: %s\n", argv[0], strerror(errno));
    _exit(kExitCannotStart);
  }
  close(in[0]), close(out[1]), close(err[1]);
  to_child_ = in[1], from_child_ = out[0], err_child_ = err[0];
  fcntl(to_child_, F_SETFD, FD_CLOEXEC);
  set_cloexec_nonblock(from_child_);
  set_cloexec_nonblock(err_child_);
  pid_ = pid;
  buffer_.clear();
  stderr_tail_.clear();
  return true;
}

void RunnerClient::kill_runner() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  for (int* fd : {&to_child_, &from_child_, &err_child_})
    if (*fd >= 0) close(*fd), *fd = -1;
  pid_ = -1;
}

void RunnerClient::lose_runner() {
  kill_runner();
  ++restarts_;  // the device stays what hello said: a restarted runner serves the same GPU
}

void RunnerClient::stop() {
  if (pid_ > 0 && to_child_ >= 0) {
    const std::string bye = to_json(Request{0, "shutdown", {}, {}}).dump() + "\n";
    if (write(to_child_, bye.data(), bye.size()) == ssize_t(bye.size())) {
      // Give it a moment to release the GPU cleanly; then make sure.
      for (int i = 0; i < 50; ++i) {
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        usleep(20000);
      }
    }
  }
  kill_runner();
}

std::optional<std::string> RunnerClient::read_line(double timeout_s, CallFailure& failure, std::string& error) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      failure = CallFailure::Timeout;
      error = "the runner gave no answer within " + std::to_string(int(timeout_s)) + " s (watchdog): killed and restarted";
      lose_runner();
      return std::nullopt;
    }
    pollfd fds[2] = {{from_child_, POLLIN, 0}, {err_child_, POLLIN, 0}};
    const int n = poll(fds, err_child_ >= 0 ? 2 : 1, int(std::min<long long>(left, 200)));
    if (n < 0 && errno != EINTR) {
      failure = CallFailure::Exited;
      error = std::string("poll on the runner failed: ") + strerror(errno);
      lose_runner();
      return std::nullopt;
    }
    char buf[65536];
    if (err_child_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
      const ssize_t got = read(err_child_, buf, sizeof buf);
      if (got > 0) {
        stderr_tail_.append(buf, size_t(got));
        if (stderr_tail_.size() > kStderrKeep) stderr_tail_.erase(0, stderr_tail_.size() - kStderrKeep);
      } else if (got == 0) {
        close(err_child_), err_child_ = -1;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t got = read(from_child_, buf, sizeof buf);
      if (got > 0) {
        buffer_.append(buf, size_t(got));
      } else if (got == 0) {
        // Collect the rest of stderr, then the exit status: that is the reason we report.
        if (err_child_ >= 0) {
          fcntl(err_child_, F_SETFL, fcntl(err_child_, F_GETFL) & ~O_NONBLOCK);
          ssize_t e;
          while ((e = read(err_child_, buf, sizeof buf)) > 0) stderr_tail_.append(buf, size_t(e));
        }
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        const std::string tail = tail_of(stderr_tail_);
        const bool could_not_start = WIFEXITED(status) && WEXITSTATUS(status) == kExitCannotStart;
        failure = could_not_start ? CallFailure::StartFailed : CallFailure::Exited;
        error = "the runner " + describe_exit(status) + (tail.empty() ? "" : ": " + tail);
        if (could_not_start && !driver_library_present())
          error = "no NVIDIA driver on this machine (libcuda.so.1 cannot be loaded), so nothing can run here; stored "
                  "results, replay files and the spec rooflines still work (" + error + ")";
        lose_runner();
        return std::nullopt;
      }
    }
  }
}

CallOutcome RunnerClient::call(Request request, double timeout_s) {
  CallOutcome out;
  if (!start(out.error)) {
    out.failure = CallFailure::StartFailed;
    return out;
  }
  request.id = next_id_++;
  const std::string line = to_json(request).dump() + "\n";
  size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t w = write(to_child_, line.data() + sent, line.size() - sent);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    sent += size_t(w);
  }
  if (sent < line.size()) {
    // The runner is gone; read_line reports how it ended.
    read_line(2, out.failure, out.error);
    if (out.error.empty()) out.failure = CallFailure::Exited, out.error = "could not send the request to the runner";
    return out;
  }
  auto text = read_line(timeout_s, out.failure, out.error);
  if (!text) return out;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception&) {
    out.failure = CallFailure::NotJson;
    out.error = "the runner wrote a line that is not JSON: " + text->substr(0, 200);
    lose_runner();
    return out;
  }
  try {
    Reply reply = reply_from_json(j, request.op);
    if (reply.id != request.id) {
      out.failure = CallFailure::IdMismatch;
      out.error = "the runner answered request " + std::to_string(reply.id) + " when asked request " + std::to_string(request.id) +
                  " (a protocol error): restarted";
      lose_runner();
      return out;
    }
    // The runner lost its CUDA context and exits after this answer: reap it now, so the next
    // request starts a fresh one instead of writing to a dying process.
    if (reply.exiting) lose_runner();
    out.reply = std::move(reply);
  } catch (const std::invalid_argument& e) {
    out.failure = CallFailure::BadReply;
    out.error = std::string("the runner broke the protocol: ") + e.what();
    lose_runner();
  }
  return out;
}

RunnerInfo RunnerClient::hello() {
  if (info_ && info_->ok && pid_ > 0) return *info_;
  RunnerInfo info;
  info.command = command_text();
  CallOutcome o = call(Request{0, "hello", {}, {}}, kHelloTimeoutS);
  if (!o.reply) {
    info.error = o.error;
    info.failure = disposition_for(o.failure);
  } else if (auto* e = std::get_if<ErrorReply>(&o.reply->body)) {
    info.error = e->message;
    info.failure = disposition_for(e->kind);
  } else if (auto* h = std::get_if<HelloReply>(&o.reply->body)) {
    info.detected = h->spec;
    info.runner_kind = h->runner_kind;
    info.cuda_driver = h->cuda_driver;
    info.nvrtc = h->nvrtc;
    info.cublas = h->cublas;
    info.build = h->build;
    info.protocol = h->protocol;
    info.extra = h->extra;
    info.device_index = h->device_index;
    info.device_count = h->device_count;
    info.device_uuid = h->device_uuid;
    if (h->protocol != kProtocolVersion) {
      info.error = "the runner (" + info.command + ", build " + (h->build.empty() ? "unknown" : h->build) + ") speaks protocol " +
                   std::to_string(h->protocol) + ", this build " + std::to_string(kProtocolVersion) +
                   ": rebuild it, or point --runner or --runner-cmd at a runner of this build";
      info.failure = Disposition::NoDevice;
      kill_runner();
    } else {
      if (info.detected.measured.empty())
        if (auto m = load_ceilings(default_ceiling_cache_path(), info.detected.name)) info.detected.measured = *m;
      info.ok = true;
    }
  }
  info_ = info;
  return info;
}

std::optional<MeasuredCeilings> RunnerClient::measure_ceilings(std::string& error) {
  CallOutcome o = call(Request{0, "measure_peaks", {}, {}}, kHelloTimeoutS);
  if (!o.reply) {
    error = o.error;
    return std::nullopt;
  }
  if (auto* e = std::get_if<ErrorReply>(&o.reply->body)) {
    error = e->message;
    return std::nullopt;
  }
  const GpuSpec s = std::get<PeaksReply>(o.reply->body).spec;
  try {
    save_ceilings(default_ceiling_cache_path(), s.name, s.measured);
  } catch (const std::exception& e) {
    error = std::string("the ceilings were measured but cannot be cached: ") + e.what();
  }
  if (info_) info_->detected.measured = s.measured;
  return s.measured;
}

RunResult RunnerClient::run(const KernelConfig& config, const RunOptions& options) {
  RunResult r;
  r.config = config;
  r.config_name = config_name(config);
  r.card_hash = card_hash_of(config);
  r.seed = options.seed;
  r.created_at = utc_now();
  if (info_ && info_->ok) {
    r.device = info_->detected.name, r.arch = info_->detected.arch();
    r.device_index = info_->device_index, r.device_uuid = info_->device_uuid;
  }
  CallOutcome o = call(Request{0, "run", config, options}, options.timeout_s);
  if (!o.reply) {
    r.disposition = disposition_for(o.failure);
    r.reason = o.error;
    return r;
  }
  if (auto* e = std::get_if<ErrorReply>(&o.reply->body)) {
    r.disposition = disposition_for(e->kind);
    r.reason = e->message;
    return r;
  }
  RunResult got = std::get<RunReply>(o.reply->body).result;
  if (info_ && info_->ok) {
    // Which GPU measured it is the hello's word, whatever the result says of itself.
    got.device_index = info_->device_index, got.device_uuid = info_->device_uuid;
    if (std::string why = implausibility(got, info_->detected); !why.empty()) {
      got.reason = "rejected as implausible: " + why + (got.reason.empty() ? "" : "; runner's reason: " + got.reason);
      got.disposition = Disposition::Incorrect;
    }
  }
  return got;
}

}  // namespace gemmscope
