// Stand-in runners for tests without a GPU: shell scripts that speak the runner protocol
// (model/protocol.h), written to the temp folder and removed when the test process exits.
#pragma once
#include <string>
#include <vector>

namespace gemmscope::testing {

// A runner that says hello (a fake GPU, protocol 2) and answers every run as passed in 2.5 ms.
// `run_log`, when given, gets one line per run request it receives.
std::string fake_runner(const std::string& name, const std::string& run_log = "");
// A path in the temp folder, removed (with SQLite's -wal and -shm) when the process exits.
std::string temp_path(const std::string& name, const std::string& extension);
// Makes every insert into the store at `path` fail, as a full disk or a lost mount would: an
// SQLite trigger, so it holds for root too.
void make_store_refuse_inserts(const std::string& path);

}  // namespace gemmscope::testing

namespace gemmscope::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal (an abort, a crash)
  std::string out, err;
};
// Runs argv (no shell), capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv);

}  // namespace gemmscope::testing
