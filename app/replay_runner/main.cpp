// gemmscope-replay-runner: answers the runner protocol (model/protocol.h) from stored results,
// for machines without a GPU (CI, GUI tests, demos). Its hello says runner_kind "replay". Several
// of them stand in for the GPUs of a pool (--device, --device-count, --uuid), and the fault flags
// make one die, hang or answer slowly, as a sick GPU's runner would.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "app/replay_runner/replay_book.h"
#include "model/families/card_family.h"
#include "model/gpu_spec.h"
#include "model/protocol.h"

using namespace gemmscope;
using nlohmann::json;

namespace {

constexpr const char* kUsage =
    "usage: gemmscope-replay-runner --results FILE.json [--results FILE.json ...] [--spec KEY|FILE.json] [--card CARD.toml ...]\n"
    "                               [--device N] [--device-count N] [--uuid TEXT] [--delay-ms N]\n"
    "                               [--die-on-run N] [--hang-on-run N] [--fault-once FILE] [--protocol N] [--run-log FILE]\n"
    "Answers the gemmscope runner protocol on stdin/stdout from stored results (no GPU).\n"
    "  --device N        the device it claims to serve (default 0); --device-count N: how many its host has (default 1)\n"
    "  --uuid TEXT       the device's UUID in its hello (default REPLAY-GPU-<device>)\n"
    "  --delay-ms N      answer each run after N ms (a slow GPU)\n"
    "  --die-on-run N    exit with status 3, unanswered, when the N-th run request of this process arrives\n"
    "  --hang-on-run N   stop answering at the N-th run request, until killed (a hung kernel)\n"
    "  --fault-once FILE die or hang only while FILE does not exist, and create it then (the restarted runner answers)\n"
    "  --protocol N      claim protocol N in the hello (to test the version check)\n"
    "  --run-log FILE    append a line per run request (its config) and one at shutdown\n";

constexpr int kExitDied = 3;  // what the CUDA runner exits with after a lost context

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

struct ReplayOptions {
  std::vector<std::string> results_paths, cards;
  std::string spec_arg;
  int delay_ms = 0;
  int device = 0, device_count = 1;
  std::string uuid;
  int die_on_run = 0, hang_on_run = 0;  // 0: never
  std::string fault_once, run_log;
  int protocol = kProtocolVersion;
};

// Exits 2 naming the flag and the rule on a bad command line.
ReplayOptions parse_options(int argc, char** argv) {
  ReplayOptions o;
  auto fail = [](const std::string& why) {
    std::cerr << "gemmscope-replay-runner: " << why << "\n" << kUsage;
    std::exit(2);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](int lowest) {
      const std::string v = value();
      size_t used = 0;
      int n = 0;
      try {
        n = std::stoi(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != v.size() || n < lowest) fail(a + " " + v + ": needs a whole number of at least " + std::to_string(lowest));
      return n;
    };
    if (a == "--results") o.results_paths.push_back(value());
    else if (a == "--spec") o.spec_arg = value();
    else if (a == "--card") o.cards.push_back(value());
    else if (a == "--delay-ms") o.delay_ms = number(0);
    else if (a == "--device") o.device = number(0);
    else if (a == "--device-count") o.device_count = number(1);
    else if (a == "--uuid") o.uuid = value();
    else if (a == "--die-on-run") o.die_on_run = number(1);
    else if (a == "--hang-on-run") o.hang_on_run = number(1);
    else if (a == "--fault-once") o.fault_once = value();
    else if (a == "--protocol") o.protocol = number(0);
    else if (a == "--run-log") o.run_log = value();
    else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      fail("unknown argument " + a);
    }
  }
  if (o.uuid.empty()) o.uuid = "REPLAY-GPU-" + std::to_string(o.device);
  return o;
}

void log_line(const std::string& path, const std::string& line) {
  if (path.empty()) return;
  std::ofstream(path, std::ios::app) << line << '\n';
}

// Whether the fault asked for happens now: always, or with --fault-once only the first time
// (the marker file remembers it across the restart).
bool fault_now(const ReplayOptions& o) {
  if (o.fault_once.empty()) return true;
  if (access(o.fault_once.c_str(), F_OK) == 0) return false;
  std::ofstream(o.fault_once) << "fault done\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const ReplayOptions o = parse_options(argc, argv);

  // A bad file is not fatal here: hello reports it, so the GUI can show why. Cards first: stored
  // results of a card's configs read through its family.
  std::optional<ReplayBook> book;
  std::string load_error;
  for (const auto& c : o.cards) {
    try {
      load_card_family(c);
    } catch (const std::exception& e) {
      load_error = e.what();
    }
  }
  if (o.results_paths.empty()) load_error = "replay runner started without --results FILE.json";
  else if (load_error.empty()) {
    try {
      book.emplace(o.results_paths);
    } catch (const std::exception& e) {
      load_error = e.what();
    }
  }
  std::string spec_error;
  std::optional<GpuSpec> spec = pick_spec(o.spec_arg, book ? book->device() : "", spec_error);
  // As the CUDA runner's GpuContext says it for an ordinal its host does not have.
  const std::string device_error = o.device < o.device_count ? "" : "no usable GPU: device " + std::to_string(o.device) + " does not exist (" +
                                                                        std::to_string(o.device_count) + " CUDA devices found)";

  int runs = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    Reply r;
    try {
      const json j = json::parse(line);
      if (j.is_object() && j.contains("id") && j.at("id").is_number_integer()) r.id = j.at("id").get<int64_t>();
      const Request req = request_from_json(j);
      if (req.op == "shutdown") {
        log_line(o.run_log, "shutdown");
        reply(to_json(Reply{req.id, false, ShutdownReply{}}));
        return 0;
      }
      if (req.op != "hello" && req.op != "run") {
        r.body = ErrorReply{ErrorKind::UnknownOp, "the replay runner does not do '" + req.op + "'"};
      } else if (!device_error.empty()) {
        r.body = ErrorReply{ErrorKind::NoDevice, "REPLAY: " + device_error};
      } else if (!book || !spec) {
        r.body = ErrorReply{ErrorKind::NoDevice, "REPLAY: " + (book ? spec_error : load_error)};
      } else if (req.op == "hello") {
        HelloReply h;
        h.runner_kind = "replay";
        h.protocol = o.protocol;
        h.spec = *spec;
        h.build = "replay";
        h.cuda_driver = h.nvrtc = h.cublas = "replay";
        h.device_index = o.device;
        h.device_count = o.device_count;
        h.device_uuid = o.uuid;
        h.extra = {{"replay_file", book->path()}, {"replay_results", book->size()}, {"replay_skipped", book->skipped().size()}};
        if (!book->skipped().empty()) std::cerr << "gemmscope-replay-runner: skipped " << book->skipped().front() << " (and "
                                                << book->skipped().size() - 1 << " more)\n";
        r.body = h;
      } else {
        ++runs;
        log_line(o.run_log, "run " + config_name(req.config));
        if (runs == o.die_on_run && fault_now(o)) {
          std::cerr << "gemmscope-replay-runner: dying at run " << runs << " as asked (--die-on-run)\n";
          return kExitDied;
        }
        if (runs == o.hang_on_run && fault_now(o)) {
          std::cerr << "gemmscope-replay-runner: hanging at run " << runs << " as asked (--hang-on-run)\n";
          for (;;) pause();  // until the watchdog's SIGKILL
        }
        if (o.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.delay_ms));
        r.body = RunReply{book->answer(req.config, *spec)};
      }
    } catch (const std::exception& e) {
      r.body = ErrorReply{ErrorKind::BadRequest, std::string("bad request: ") + e.what()};
    }
    reply(to_json(r));
  }
  return 0;
}
