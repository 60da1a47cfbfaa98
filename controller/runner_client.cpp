#include "controller/runner_client.h"

#include "controller/ceiling_cache.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gemmscope {

namespace {

constexpr size_t kStderrKeep = 4096;
constexpr double kHelloTimeoutS = 180;  // driver init, cuBLAS and the utility kernels' first JIT

void set_cloexec_nonblock(int fd) {
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}

}  // namespace

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

bool RunnerClient::start(std::string& error) {
  if (pid_ > 0) return true;
  int in[2], out[2], err[2];
  if (pipe(in) || pipe(out) || pipe(err)) {
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
    _exit(127);
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

void RunnerClient::stop() {
  if (pid_ > 0 && to_child_ >= 0) {
    const std::string bye = "{\"id\":0,\"op\":\"shutdown\"}\n";
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

std::optional<std::string> RunnerClient::read_line(double timeout_s, std::string& error) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      error = "the runner gave no answer within " + std::to_string(int(timeout_s)) + " s (watchdog): killed and restarted";
      kill_runner();
      ++restarts_;
      return std::nullopt;
    }
    pollfd fds[2] = {{from_child_, POLLIN, 0}, {err_child_, POLLIN, 0}};
    const int n = poll(fds, err_child_ >= 0 ? 2 : 1, int(std::min<long long>(left, 200)));
    if (n < 0 && errno != EINTR) {
      error = std::string("poll on the runner failed: ") + strerror(errno);
      kill_runner();
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
        std::string tail = stderr_tail_;
        while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
        if (tail.size() > 600) tail = "..." + tail.substr(tail.size() - 600);
        error = "the runner " + describe_exit(status) + (tail.empty() ? "" : ": " + tail);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && tail.find("libcuda.so") != std::string::npos)
          error = "no NVIDIA driver on this machine (libcuda.so.1 not found), so nothing can run here; stored results can still be browsed";
        kill_runner();
        ++restarts_;
        return std::nullopt;
      }
    }
  }
}

std::optional<nlohmann::json> RunnerClient::call(const nlohmann::json& request, double timeout_s, std::string& error) {
  if (!start(error)) return std::nullopt;
  nlohmann::json req = request;
  const int64_t id = next_id_++;
  req["id"] = id;
  const std::string line = req.dump() + "\n";
  size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t w = write(to_child_, line.data() + sent, line.size() - sent);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    sent += size_t(w);
  }
  if (sent < line.size()) {
    // The runner is gone; read_line reports how it ended.
    auto dead = read_line(2, error);
    if (error.empty()) error = "could not send the request to the runner";
    (void)dead;
    return std::nullopt;
  }
  for (;;) {
    auto text = read_line(timeout_s, error);
    if (!text) return std::nullopt;
    try {
      nlohmann::json reply = nlohmann::json::parse(*text);
      if (reply.value("id", int64_t(-1)) != id) continue;
      if (reply.value("exiting", false)) {
        // The runner lost its CUDA context and exits after this answer: reap it now, so the
        // next request starts a fresh one instead of writing to a dying process.
        kill_runner();
        ++restarts_;
      }
      return reply;
    } catch (const nlohmann::json::exception&) {
      error = "the runner wrote a line that is not JSON: " + text->substr(0, 200);
      kill_runner();
      ++restarts_;
      return std::nullopt;
    }
  }
}

RunnerInfo RunnerClient::hello() {
  if (info_ && info_->ok && pid_ > 0) return *info_;
  RunnerInfo info;
  std::string error;
  auto reply = call({{"op", "hello"}}, kHelloTimeoutS, error);
  if (!reply) {
    info.error = error;
  } else if (!reply->value("ok", false)) {
    info.error = reply->value("error", std::string("the runner refused hello"));
  } else {
    const auto& i = reply->at("info");
    try {
      info.detected = spec_from_json(i.at("spec"), "detected");
      if (info.detected.measured.empty())
        if (auto m = load_ceilings(default_ceiling_cache_path(), info.detected.name)) info.detected.measured = *m;
      info.ok = true;
    } catch (const std::exception& e) {
      info.error = std::string("the runner's device description is unreadable: ") + e.what();
    }
    info.runner_kind = i.value("runner_kind", std::string("cuda"));
    info.cuda_driver = i.value("cuda_driver", std::string());
    info.nvrtc = i.value("nvrtc", std::string());
    info.cublas = i.value("cublas", std::string());
  }
  info_ = info;
  return info;
}

std::optional<MeasuredCeilings> RunnerClient::measure_ceilings(std::string& error) {
  auto reply = call({{"op", "measure_peaks"}}, kHelloTimeoutS, error);
  if (!reply) return std::nullopt;
  if (!reply->value("ok", false)) {
    error = reply->value("error", std::string("the runner refused measure_peaks"));
    return std::nullopt;
  }
  try {
    const GpuSpec s = spec_from_json(reply->at("spec"), "detected");
    save_ceilings(default_ceiling_cache_path(), s.name, s.measured);
    if (info_) info_->detected.measured = s.measured;
    return s.measured;
  } catch (const std::exception& e) {
    error = std::string("the measured ceilings are unreadable: ") + e.what();
    return std::nullopt;
  }
}

RunResult RunnerClient::run(const KernelConfig& config, const RunOptions& options) {
  std::string error;
  nlohmann::json req = {{"op", "run"}, {"config", to_json(config)}, {"options", to_json(options)}};
  auto reply = call(req, options.timeout_s, error);
  if (reply && reply->value("ok", false) && reply->contains("result")) {
    try {
      return result_from_json(reply->at("result"));
    } catch (const std::exception& e) {
      error = std::string("the runner's result is unreadable: ") + e.what();
    }
  }
  RunResult r;
  r.config = config;
  r.config_name = config.name();
  r.seed = options.seed;
  r.created_at = utc_now();
  if (info_ && info_->ok) r.device = info_->detected.name, r.arch = info_->detected.arch();
  if (reply && !reply->value("ok", false)) {
    r.reason = reply->value("error", std::string("the runner refused the request"));
    r.disposition = r.reason.rfind("no usable GPU", 0) == 0 ? Disposition::NoDevice : Disposition::LaunchError;
  } else {
    r.reason = error;
    r.disposition = error.find("watchdog") != std::string::npos ? Disposition::Timeout
                    : error.find("no NVIDIA driver") != std::string::npos ? Disposition::NoDevice
                                                                           : Disposition::Crashed;
  }
  return r;
}

}  // namespace gemmscope
