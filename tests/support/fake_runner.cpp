#include "tests/support/fake_runner.h"

#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <sstream>
#include <vector>

#include "controller/result_store.h"

namespace gemmscope::testing {

namespace fs = std::filesystem;

namespace {

struct TempFiles {
  std::vector<std::string> made;
  ~TempFiles() {
    std::error_code ignored;
    for (const auto& p : made)
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p + suffix, ignored);
  }
};
TempFiles& temp_files() {
  static TempFiles t;
  return t;
}

}  // namespace

std::string temp_path(const std::string& name, const std::string& extension) {
  const fs::path p = fs::temp_directory_path() / ("gemmscope_test_" + name + "_" + std::to_string(getpid()) + extension);
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix, ignored);
  temp_files().made.push_back(p.string());
  return p.string();
}

std::string fake_runner(const std::string& name, const std::string& run_log) {
  const std::string path = temp_path("runner_" + name, ".sh");
  const std::string log = run_log.empty() ? "" : "echo run >> " + run_log + "; ";
  std::ofstream(path) << R"(#!/bin/sh
while read -r line; do
  id=$(echo "$line" | sed -E 's/.*"id":([0-9]+).*/\1/')
  case "$line" in
    *'"op":"hello"'*) echo "{\"id\":$id,\"ok\":true,\"info\":{\"runner_kind\":\"fake\",\"protocol\":2,\"build\":\"test\",\"spec\":{\"name\":\"Fake GPU\",\"cc\":\"9.0\",\"sms\":132,\"dram_gbps\":4800,\"fp32_tflops\":66.9,\"tf32_tflops\":494.7,\"max_threads_per_sm\":2048,\"max_warps_per_sm\":64,\"max_blocks_per_sm\":32,\"smem_per_sm\":233472,\"max_smem_per_block\":232448}}}" ;;
    *'"op":"run"'*) )" << log
                      << R"(echo "{\"id\":$id,\"ok\":true,\"result\":{\"disposition\":\"passed\",\"ms_median\":2.5,\"ms_min\":2.4,\"ms_max\":2.6,\"reps\":5,\"config_name\":\"fake\",\"device\":\"Fake GPU\"}}" ;;
    *'"op":"shutdown"'*) echo "{\"id\":$id,\"ok\":true}"; exit 0 ;;
  esac
done
)";
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

void make_store_refuse_inserts(const std::string& path) {
  { ResultStore create(path); }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
  const char* sql = "CREATE TRIGGER refuse BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'disk I/O error (test trigger)'); END;";
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("cannot add the trigger to " + path);
}

CommandResult run_command(const std::vector<std::string>& argv) {
  const std::string out_path = temp_path("cmd_out", ".txt"), err_path = temp_path("cmd_err", ".txt");
  CommandResult r;
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out_path.c_str(), "w", stdout) || !freopen(err_path.c_str(), "w", stderr)) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

}  // namespace gemmscope::testing
