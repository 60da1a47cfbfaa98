// gemmscope-runner: owns one GPU. Reads one JSON request per line on stdin, answers one JSON line
// on stdout (model/protocol.h). Diagnostics go to stderr. After a fault that loses the CUDA
// context it answers, then exits with status 3 so the controller starts a fresh runner.
#include <cstdio>
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

#include "gemmscope_commit.h"

using namespace gemmscope;
using nlohmann::json;

namespace {

constexpr int kExitContextLost = 3;

// As nvidia-smi -L prints it: GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
std::string uuid_text(const CUuuid& id) {
  std::string out = "GPU-";
  char hex[3];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    std::snprintf(hex, sizeof hex, "%02x", unsigned(static_cast<unsigned char>(id.bytes[i])));
    out += hex;
  }
  return out;
}

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

  HelloReply hello() const {
    HelloReply h;
    h.runner_kind = "cuda";
    h.build = GEMMSCOPE_COMMIT;
    h.spec = gpu->spec();
    int major = 0, minor = 0, patch = 0;
    cublasGetProperty(MAJOR_VERSION, &major);
    cublasGetProperty(MINOR_VERSION, &minor);
    cublasGetProperty(PATCH_LEVEL, &patch);
    h.cuda_driver = gpu->driver_version();
    h.nvrtc = nvrtc_version();
    h.cublas = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    h.jit_cache = jit->cache_dir();
    // Which GPU of this host, so a pool's results say which one measured them; the count is what
    // `--devices all` expands to (the controller has no CUDA to ask).
    h.device_index = ordinal;
    if (cuDeviceGetCount(&h.device_count) != CUDA_SUCCESS) h.device_count = 0;
    CUuuid id{};
    if (cuDeviceGetUuid(&id, gpu->device()) == CUDA_SUCCESS) h.device_uuid = uuid_text(id);
    return h;
  }

  // One reply for one request; `exiting` set when the context is lost.
  Reply answer(const Request& req) {
    Reply reply{req.id, false, ErrorReply{}};
    if (req.op != "hello" && req.op != "run" && req.op != "measure_peaks") {
      reply.body = ErrorReply{ErrorKind::UnknownOp, "unknown op '" + req.op + "'; ops are hello, run, measure_peaks, shutdown"};
      return reply;
    }
    if (!ready()) {
      reply.body = ErrorReply{ErrorKind::NoDevice, init_error};
      return reply;
    }
    if (req.op == "hello") {
      reply.body = hello();
    } else if (req.op == "measure_peaks") {
      try {
        GpuSpec s = gpu->spec();
        s.measured = measure_ceilings(*gpu, *jit);
        reply.body = PeaksReply{s};
      } catch (const CudaError& e) {
        reply.body = ErrorReply{e.sticky_context ? ErrorKind::DeviceLost : ErrorKind::Failed,
                                std::string("measuring the ceilings failed: ") + e.what()};
        reply.exiting = e.sticky_context;
      } catch (const std::exception& e) {
        reply.body = ErrorReply{ErrorKind::Failed, std::string("measuring the ceilings failed: ") + e.what()};
      }
    } else {
      reply.body = RunReply{engine->run(req.config, req.options)};
      reply.exiting = engine->context_lost();
    }
    return reply;
  }
};

}  // namespace

int main(int argc, char** argv) {
  Runner runner;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--device" && i + 1 < argc) {
      try {
        runner.ordinal = std::stoi(argv[++i]);
      } catch (const std::exception&) {
        std::cerr << "gemmscope-runner: --device needs a device number, got '" << argv[i] << "'\n";
        return 2;
      }
    } else if (a == "--help") {
      std::cout << "usage: gemmscope-runner [--device N]\nServes CUDA device N (default 0). Reads JSON requests on stdin, one per line; "
                   "see model/protocol.h. Its hello says which device, how many the host has and the device's UUID.\n";
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
    Reply reply;
    try {
      const json j = json::parse(line);
      // The id first, so even a request that does not parse is answered under its own id.
      if (j.is_object() && j.contains("id") && j.at("id").is_number_integer()) reply.id = j.at("id").get<int64_t>();
      const Request req = request_from_json(j);
      if (req.op == "shutdown") {
        std::cout << to_json(Reply{req.id, false, ShutdownReply{}}).dump() << std::endl;
        return 0;
      }
      reply = runner.answer(req);
    } catch (const std::exception& e) {
      reply.body = ErrorReply{ErrorKind::BadRequest, std::string("bad request: ") + e.what()};
    }
    std::cout << to_json(reply).dump() << std::endl;
    if (reply.exiting) {
      std::cerr << "gemmscope-runner: CUDA context lost, exiting for a restart\n";
      return kExitContextLost;
    }
  }
  return 0;
}
