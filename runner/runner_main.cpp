// gemmscope-runner: owns one GPU. Reads one JSON request per line on stdin, answers one JSON line
// on stdout (see model/protocol.h). Diagnostics go to stderr. After a fault that loses the CUDA
// context it answers, then exits with status 3 so the controller starts a fresh runner.
#include <iostream>
#include <memory>
#include <string>

#include <cublas_v2.h>

#include "model/protocol.h"
#include "runner/ceiling_measurement.h"
#include "runner/counter_collection.h"
#include "runner/cuda_check.h"
#include "runner/gpu_context.h"
#include "runner/jit_compiler.h"
#include "runner/run_engine.h"

using namespace gemmscope;
using nlohmann::json;

namespace {

struct Runner {
  int ordinal = 0;
  std::unique_ptr<GpuContext> gpu;
  std::unique_ptr<JitCompiler> jit;
  std::unique_ptr<RunEngine> engine;
  std::unique_ptr<CounterCollection> counters;
  std::string init_error;

  bool ready() {
    if (engine) return true;
    if (!init_error.empty()) return false;
    try {
      gpu = std::make_unique<GpuContext>(ordinal);
      jit = std::make_unique<JitCompiler>(default_jit_cache_dir());
      engine = std::make_unique<RunEngine>(*gpu, *jit);
      counters = std::make_unique<CounterCollection>(*gpu);
      engine->set_counter_hook([this](const RunOptions& o, const std::function<void()>& launch_once,
                                      const PassSetup& pass_setup, RunResult& r) {
        counters->collect(o, launch_once, pass_setup, r);
      });
    } catch (const std::exception& e) {
      init_error = std::string("no usable GPU: ") + e.what();
    }
    return engine != nullptr;
  }

  json hello(int64_t id) {
    if (!ready()) return {{"id", id}, {"ok", false}, {"error", init_error}};
    int cublas_version = 0;
    cublasGetProperty(MAJOR_VERSION, &cublas_version);
    int minor = 0, patch = 0;
    cublasGetProperty(MINOR_VERSION, &minor);
    cublasGetProperty(PATCH_LEVEL, &patch);
    return {{"id", id},
            {"ok", true},
            {"info",
             {{"runner_kind", "cuda"},
              {"spec", to_json(gpu->spec())},
              {"cuda_driver", gpu->driver_version()},
              {"nvrtc", nvrtc_version()},
              {"cublas", std::to_string(cublas_version) + "." + std::to_string(minor) + "." + std::to_string(patch)},
              {"jit_cache", jit->cache_dir()}}}};
  }
};

}  // namespace

int main(int argc, char** argv) {
  Runner runner;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--device" && i + 1 < argc) {
      runner.ordinal = std::atoi(argv[++i]);
    } else if (a == "--help") {
      std::cout << "usage: gemmscope-runner [--device N]\nReads JSON requests on stdin, one per line; see model/protocol.h.\n";
      return 0;
    } else {
      std::cerr << "gemmscope-runner: unknown argument '" << a << "'\n";
      return 2;
    }
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json reply;
    int64_t id = 0;
    bool exit_after = false;
    try {
      const json j = json::parse(line);
      const Request req = request_from_json(j);
      id = req.id;
      if (req.op == "hello") {
        reply = runner.hello(id);
      } else if (req.op == "shutdown") {
        std::cout << json{{"id", id}, {"ok", true}}.dump() << std::endl;
        return 0;
      } else if (req.op == "measure_peaks") {
        if (!runner.ready()) {
          reply = {{"id", id}, {"ok", false}, {"error", runner.init_error}};
        } else {
          try {
            GpuSpec s = runner.gpu->spec();
            s.measured = measure_ceilings(*runner.gpu, *runner.jit);
            reply = {{"id", id}, {"ok", true}, {"spec", to_json(s)}};
          } catch (const CudaError& e) {
            reply = {{"id", id}, {"ok", false}, {"error", std::string("measuring the ceilings failed: ") + e.what()}, {"exiting", e.sticky_context}};
            exit_after = e.sticky_context;
          } catch (const std::exception& e) {
            reply = {{"id", id}, {"ok", false}, {"error", std::string("measuring the ceilings failed: ") + e.what()}};
          }
        }
      } else if (req.op == "run") {
        if (!runner.ready()) {
          reply = {{"id", id}, {"ok", false}, {"error", runner.init_error}};
        } else {
          RunResult r = runner.engine->run(req.config, req.options);
          exit_after = runner.engine->context_lost();
          reply = {{"id", id}, {"ok", true}, {"result", to_json(r)}, {"exiting", exit_after}};
        }
      } else {
        reply = {{"id", id}, {"ok", false}, {"error", "unknown op '" + req.op + "'; ops are hello, run, measure_peaks, shutdown"}};
      }
    } catch (const std::exception& e) {
      reply = {{"id", id}, {"ok", false}, {"error", std::string("bad request: ") + e.what()}};
    }
    std::cout << reply.dump() << std::endl;
    if (exit_after) {
      std::cerr << "gemmscope-runner: CUDA context lost, exiting for a restart\n";
      return 3;
    }
  }
  return 0;
}
