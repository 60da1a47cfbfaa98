#include "runner/triton_compiler.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "kernels/kernel_sources.h"
#include "runner/cache_files.h"

namespace gemmscope {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kCompileTimeoutS = 300;  // a big Triton kernel can take a while; a hung one may not

// Cache files must exist for the next run to find them: a write that fails is an error here.
void write_file(const fs::path& p, const std::string& data) {
  if (!write_file_atomically(p, data)) throw std::runtime_error("cannot write " + p.string());
}

struct ProcessResult {
  int exit_code = -1;  // -1: killed (timeout) or a signal
  std::string out, err;
};

// Runs argv with `input` on stdin; stdout and stderr go through files, so a chatty child never
// blocks on a full pipe. Killed after timeout_s.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input, const std::vector<std::string>& env,
                          const fs::path& scratch, double timeout_s) {
  const fs::path in = scratch / "stdin", out = scratch / "stdout", err = scratch / "stderr";
  write_file(in, input);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot fork Python for Triton: ") + std::strerror(errno));
  if (pid == 0) {
    const int fi = open(in.c_str(), O_RDONLY), fo = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
              fe = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fi < 0 || fo < 0 || fe < 0) _exit(126);
    dup2(fi, 0), dup2(fo, 1), dup2(fe, 2);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot start %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  ProcessResult r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.err = "Triton's compile did not finish within " + std::to_string(int(timeout_s)) + " s and was stopped";
      return r;
    }
    usleep(20000);
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

fs::path exe_dir() {
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).parent_path();
}

// Where the pinned Triton lives when setup.sh installed it: build/deps/python.
std::vector<std::string> python_env() {
  std::string path;
  if (const char* p = std::getenv("GEMMSCOPE_PYTHONPATH")) path = p;
  else
    for (const fs::path& d : {exe_dir() / "../deps/python", exe_dir() / "../../deps/python", exe_dir() / "../../../deps/python"})
      if (fs::is_directory(d / "triton")) {
        path = fs::weakly_canonical(d).string();
        break;
      }
  std::vector<std::string> env;
  if (!path.empty()) {
    const char* old = std::getenv("PYTHONPATH");
    env.push_back("PYTHONPATH=" + path + (old && *old ? ":" + std::string(old) : ""));
  }
  return env;
}

std::string python() {
  const char* p = std::getenv("GEMMSCOPE_PYTHON");
  return p && *p ? p : "python3";
}

}  // namespace

TritonCompiler::TritonCompiler(std::string cache_dir) : cache_dir_(std::move(cache_dir)) {}

std::string TritonCompiler::version() const {
  if (version_known_) return version_;
  const fs::path scratch = fs::temp_directory_path() / ("gemmscope-triton-version-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  const ProcessResult r = run_process({python(), "-c", "import triton; print(triton.__version__)"}, "", python_env(), scratch, 120);
  std::error_code ec;
  fs::remove_all(scratch, ec);
  version_ = r.exit_code == 0 ? r.out.substr(0, r.out.find('\n')) : "";
  version_known_ = true;
  return version_;
}

TritonKernel TritonCompiler::compile(const KernelCard& card, const KernelConfig& c, const std::string& entry,
                                     const std::vector<KernelArg>& args, const std::string& arch) const {
  const std::string what = card.path.empty() ? card.name : card.path;
  const auto helper = find_kernel_source("triton_compile.py");
  if (!helper) throw std::runtime_error("the Triton helper triton_compile.py is not embedded in this build");
  const std::string triton = version();
  if (triton.empty())
    throw CompileError(what + ": Triton cannot be imported by " + python() +
                           ", so a Triton card cannot compile here. ./setup.sh installs the pinned Triton into build/deps/python; "
                           "elsewhere, pip install triton (or set GEMMSCOPE_PYTHON / GEMMSCOPE_PYTHONPATH)",
                       "");
  if (arch.size() < 4 || arch.rfind("sm_", 0) != 0) throw std::invalid_argument("architecture '" + arch + "' is not sm_XY");

  // The request, everything that decides the kernel: also its cache key.
  json constexprs = json::object(), options = json::object(), jargs = json::array();
  for (const ParamDecl& d : card.params) {
    const int v = c.params.find(d.name).value_or(d.default_value);
    if (is_triton_option(d.name)) options[d.name] = v;
    else if (!d.labels.empty()) constexprs[d.name] = d.format(v);
    else constexprs[d.name] = v;
  }
  for (const KernelArg& a : args) switch (a.kind) {
      case KernelArg::Kind::A:
      case KernelArg::Kind::B:
      case KernelArg::Kind::C:
      case KernelArg::Kind::Workspace: jargs.push_back({{"kind", "ptr"}, {"dtype", "fp32"}}); break;
      case KernelArg::Kind::Int32: jargs.push_back({{"kind", "int"}, {"type", "i32"}, {"value", a.integer}}); break;
      case KernelArg::Kind::Int64: jargs.push_back({{"kind", "int"}, {"type", "i64"}, {"value", a.integer}}); break;
      case KernelArg::Kind::Float32: jargs.push_back({{"kind", "float"}, {"type", "fp32"}, {"value", a.real}}); break;
      case KernelArg::Kind::Scratch: throw std::invalid_argument("a card's arguments cannot name Triton's scratch");
    }
  const int cc = std::stoi(arch.substr(3));
  ContentKey key;
  for (const std::string& part : {std::string(*helper), triton, card.source_text, entry, constexprs.dump(), options.dump(), jargs.dump(), arch})
    key.add(part);
  TritonKernel k;
  k.key = key.hex();
  k.triton_version = triton;

  const fs::path base = cache_dir_.empty() ? fs::temp_directory_path() / ("gemmscope-triton-" + std::to_string(getpid())) : fs::path(cache_dir_) / "triton";
  fs::create_directories(base);
  const fs::path cubin_path = base / (k.key + ".cubin"), meta_path = base / (k.key + ".json");
  json reply;
  const auto t0 = std::chrono::steady_clock::now();
  if (fs::exists(cubin_path) && fs::exists(meta_path)) {
    try {
      reply = json::parse(read_file(meta_path));
      k.cubin = read_file(cubin_path);
      k.cache_hit = true;
    } catch (const std::exception&) {
      reply = json();  // a damaged entry is compiled again
    }
  }
  if (!k.cache_hit) {
    // The source as the card holds it (the runner may have got it as text), beside its helper.
    const fs::path src_dir = base / ("src-" + card.hash);
    fs::create_directories(src_dir);
    const fs::path source = src_dir / fs::path(card.source_file).filename();
    if (!fs::exists(source) || read_file(source) != card.source_text) write_file(source, card.source_text);
    const fs::path helper_path = base / ("triton_compile-" + hex64(fnv1a64(*helper)) + ".py");
    if (!fs::exists(helper_path)) write_file(helper_path, std::string(*helper));
    const fs::path scratch = base / ("run-" + k.key + "-" + std::to_string(getpid()));
    fs::create_directories(scratch);
    const json request = {{"source_path", source.string()}, {"kernel", entry}, {"arch", cc},       {"constexprs", constexprs},
                          {"options", options},            {"args", jargs},   {"cubin_out", (scratch / "kernel.cubin").string()}};
    const ProcessResult r = run_process({python(), helper_path.string()}, request.dump(), python_env(), scratch, kCompileTimeoutS);
    try {
      reply = json::parse(r.out);
    } catch (const json::exception&) {
      std::error_code ec;
      fs::remove_all(scratch, ec);
      throw CompileError(what + ": the Triton helper failed (exit " + std::to_string(r.exit_code) + "): " + r.err.substr(0, 2000), r.err);
    }
    if (reply.value("ok", false)) {
      k.cubin = read_file(scratch / "kernel.cubin");
      write_file(cubin_path, k.cubin);
      write_file(meta_path, reply.dump());
    }
    std::error_code ec;
    fs::remove_all(scratch, ec);
  }
  if (!reply.value("ok", false)) {
    // The helper compiled a copy of the source; the user knows it by the card's name for it.
    const std::string copy = (base / ("src-" + card.hash) / fs::path(card.source_file).filename()).string();
    const std::string shown = card.source_path.empty() ? card.source_file : card.source_path;
    auto unalias = [&](std::string t) {
      for (size_t at = t.find(copy); at != std::string::npos; at = t.find(copy, at + shown.size())) t.replace(at, copy.size(), shown);
      return t;
    };
    std::string msg = what + ": " + unalias(reply.value("error", std::string("Triton could not compile the kernel")));
    if (reply.contains("line") && reply["line"].is_number_integer())
      msg += " (" + shown + ", line " + std::to_string(reply["line"].get<int>()) + ")";
    throw CompileError(msg, unalias(reply.dump()));
  }
  try {
    k.entry = reply.at("name").get<std::string>();
    k.num_warps = reply.value("num_warps", 4);
    k.num_ctas = reply.value("num_ctas", 1);
    k.shared = reply.value("shared", int64_t(0));
    k.global_scratch_size = reply.value("global_scratch_size", int64_t(0));
    k.profile_scratch_size = reply.value("profile_scratch_size", int64_t(0));
    k.kept_args = reply.at("kept_args").get<std::vector<int>>();
    k.hidden_args = reply.at("hidden_args").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    throw CompileError(what + ": the Triton helper's reply is incomplete (" + e.what() + ")", reply.dump());
  }
  if (k.num_ctas != 1) throw CompileError(what + ": the kernel asks for clusters of " + std::to_string(k.num_ctas) + " CTAs; gemmscope launches none", "");
  if (reply.value("launch_cooperative_grid", false) || reply.value("launch_pdl", false))
    throw CompileError(what + ": the kernel asks for a cooperative or programmatic-dependent launch, which gemmscope does not do", "");
  for (int i : k.kept_args)
    if (i < 0 || i >= int(args.size())) throw CompileError(what + ": the Triton helper kept argument " + std::to_string(i) + " of " + std::to_string(args.size()), "");
  const auto res = read_cubin_resources(k.cubin);
  if (!res.count(k.entry)) throw CompileError(what + ": Triton's cubin has no entry '" + k.entry + "'", reply.dump());
  k.resources = res.at(k.entry);
  k.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return k;
}

}  // namespace gemmscope
