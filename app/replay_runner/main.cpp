// gemmscope-replay-runner: answers the runner protocol (model/protocol.h) from stored results,
// for machines without a GPU (CI, GUI tests, demos). Its hello says runner_kind "replay".
//   gemmscope-replay-runner --results FILE.json [--spec KEY|FILE.json] [--delay-ms N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <nlohmann/json.hpp>

#include "app/replay_runner/replay_book.h"
#include "model/gpu_spec.h"
#include "model/protocol.h"

using namespace gemmscope;
using nlohmann::json;

namespace {

void reply(const json& j) {
  std::cout << j.dump() << '\n' << std::flush;
}

// The spec the replay claims to run on: named by --spec, else the one whose name matches the
// stored device, else the RTX 4090 (the reference GPU), so a plot always has ceilings.
std::optional<GpuSpec> pick_spec(const std::string& arg, const std::string& device, std::string& error) {
  try {
    if (arg.size() > 5 && arg.substr(arg.size() - 5) == ".json") return load_gpu_spec(arg);
    const auto specs = load_gpu_specs(default_gpu_spec_dir());
    if (!arg.empty()) {
      if (auto s = find_spec(specs, arg)) return s;
      error = "no GPU spec named " + arg + " in " + default_gpu_spec_dir();
      return std::nullopt;
    }
    for (const auto& s : specs)
      if (!device.empty() && (s.name.rfind(device, 0) == 0 || device.rfind(s.name, 0) == 0)) return s;
    for (const auto& s : specs)  // "NVIDIA H100 80GB HBM3" against "NVIDIA H100 80GB HBM3 (SXM5)"
      if (!device.empty() && s.name.find(device.substr(0, device.find(' ', 7))) != std::string::npos) return s;
    if (auto s = find_spec(specs, "rtx4090")) return s;
    error = "no GPU specs in " + default_gpu_spec_dir();
  } catch (const std::exception& e) {
    error = e.what();
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  std::string results_path, spec_arg;
  int delay_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "gemmscope-replay-runner: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--results") results_path = value();
    else if (a == "--spec") spec_arg = value();
    else if (a == "--delay-ms") delay_ms = std::stoi(value());
    else if (a == "--device") value();  // accepted for command-line parity with the CUDA runner
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: gemmscope-replay-runner --results FILE.json [--spec KEY|FILE.json] [--delay-ms N]\n"
                   "Answers the gemmscope runner protocol on stdin/stdout from stored results (no GPU).\n";
      return 0;
    } else {
      std::cerr << "gemmscope-replay-runner: unknown argument " << a << "\n";
      return 2;
    }
  }

  // A bad file is not fatal here: hello reports it, so the GUI can show why.
  std::optional<ReplayBook> book;
  std::string load_error;
  if (results_path.empty()) load_error = "replay runner started without --results FILE.json";
  else {
    try {
      book.emplace(results_path);
    } catch (const std::exception& e) {
      load_error = e.what();
    }
  }
  std::string spec_error;
  std::optional<GpuSpec> spec = pick_spec(spec_arg, book ? book->device() : "", spec_error);

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json id = nullptr;
    try {
      const json j = json::parse(line);
      if (j.contains("id")) id = j.at("id");
      const Request req = request_from_json(j);
      if (req.op == "hello") {
        if (!book) reply({{"id", id}, {"ok", false}, {"error", "REPLAY: " + load_error}});
        else if (!spec) reply({{"id", id}, {"ok", false}, {"error", "REPLAY: " + spec_error}});
        else
          reply({{"id", id},
                 {"ok", true},
                 {"info",
                  {{"runner_kind", "replay"},
                   {"spec", to_json(*spec)},
                   {"replay_file", book->path()},
                   {"replay_results", book->size()},
                   {"cuda_driver", "replay"},
                   {"nvrtc", "replay"},
                   {"cublas", "replay"}}}});
      } else if (req.op == "run") {
        if (!book || !spec) {
          reply({{"id", id}, {"ok", false}, {"error", "REPLAY: " + (book ? spec_error : load_error)}});
          continue;
        }
        if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        reply({{"id", id}, {"ok", true}, {"result", to_json(book->answer(req.config, *spec))}});
      } else if (req.op == "shutdown") {
        reply({{"id", id}, {"ok", true}});
        return 0;
      } else {
        reply({{"id", id}, {"ok", false}, {"error", "the replay runner does not do '" + req.op + "'"}});
      }
    } catch (const std::exception& e) {
      reply({{"id", id}, {"ok", false}, {"error", std::string("bad request: ") + e.what()}});
    }
  }
  return 0;
}
