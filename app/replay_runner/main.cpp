// gemmscope-replay-runner: answers the runner protocol (model/protocol.h) from stored results,
// for machines without a GPU (CI, GUI tests, demos). Its hello says runner_kind "replay".
//   gemmscope-replay-runner --results FILE.json [--results ...] [--spec KEY|FILE.json] [--delay-ms N] [--card CARD.toml ...]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <nlohmann/json.hpp>

#include "app/replay_runner/replay_book.h"
#include "model/families/card_family.h"
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
    if (auto s = match_spec_by_name(specs, device)) return s;
    if (auto s = find_spec(specs, "rtx4090")) return s;
    error = "no GPU specs in " + default_gpu_spec_dir();
  } catch (const std::exception& e) {
    error = e.what();
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> results_paths;
  std::string spec_arg;
  std::vector<std::string> cards;
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
    if (a == "--results") results_paths.push_back(value());
    else if (a == "--spec") spec_arg = value();
    else if (a == "--delay-ms") {
      try {
        delay_ms = std::stoi(value());
      } catch (const std::exception&) {
        std::cerr << "gemmscope-replay-runner: --delay-ms needs a number of milliseconds\n";
        return 2;
      }
    }
    else if (a == "--device") value();  // accepted for command-line parity with the CUDA runner
    else if (a == "--card") cards.push_back(value());
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: gemmscope-replay-runner --results FILE.json [--results FILE.json ...] [--spec KEY|FILE.json] [--delay-ms N] [--card CARD.toml ...]\n"
                   "Answers the gemmscope runner protocol on stdin/stdout from stored results (no GPU).\n";
      return 0;
    } else {
      std::cerr << "gemmscope-replay-runner: unknown argument " << a << "\n";
      return 2;
    }
  }

  // A bad file is not fatal here: hello reports it, so the GUI can show why. Cards first: stored
  // results of a card's configs read through its family.
  std::optional<ReplayBook> book;
  std::string load_error;
  for (const auto& c : cards) {
    try {
      load_card_family(c);
    } catch (const std::exception& e) {
      load_error = e.what();
    }
  }
  if (results_paths.empty()) load_error = "replay runner started without --results FILE.json";
  else if (load_error.empty()) {
    try {
      book.emplace(results_paths);
    } catch (const std::exception& e) {
      load_error = e.what();
    }
  }
  std::string spec_error;
  std::optional<GpuSpec> spec = pick_spec(spec_arg, book ? book->device() : "", spec_error);

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    Reply r;
    try {
      const json j = json::parse(line);
      if (j.is_object() && j.contains("id") && j.at("id").is_number_integer()) r.id = j.at("id").get<int64_t>();
      const Request req = request_from_json(j);
      if (req.op == "shutdown") {
        reply(to_json(Reply{req.id, false, ShutdownReply{}}));
        return 0;
      }
      if (req.op != "hello" && req.op != "run") {
        r.body = ErrorReply{ErrorKind::UnknownOp, "the replay runner does not do '" + req.op + "'"};
      } else if (!book || !spec) {
        r.body = ErrorReply{ErrorKind::NoDevice, "REPLAY: " + (book ? spec_error : load_error)};
      } else if (req.op == "hello") {
        HelloReply h;
        h.runner_kind = "replay";
        h.spec = *spec;
        h.build = "replay";
        h.cuda_driver = h.nvrtc = h.cublas = "replay";
        h.extra = {{"replay_file", book->path()}, {"replay_results", book->size()}, {"replay_skipped", book->skipped().size()}};
        if (!book->skipped().empty()) std::cerr << "gemmscope-replay-runner: skipped " << book->skipped().front() << " (and "
                                                << book->skipped().size() - 1 << " more)\n";
        r.body = h;
      } else {
        if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        r.body = RunReply{book->answer(req.config, *spec)};
      }
    } catch (const std::exception& e) {
      r.body = ErrorReply{ErrorKind::BadRequest, std::string("bad request: ") + e.what()};
    }
    reply(to_json(r));
  }
  return 0;
}
