// GuiController: the thread that owns the runner (RunnerClient), the sweep job and the result
// store, so the UI thread never waits on a process or a disk. The UI posts commands; results
// come back as events that the UI drains once at the start of each frame.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "controller/result_store.h"
#include "controller/runner_client.h"
#include "controller/sweep.h"

namespace gemmscope {

struct HelloEvent { RunnerInfo info; };
struct RunEvent { RunResult result; };                 // a live run finished (failures included)
struct SweepResultEvent { RunResult result; };         // one point of the running sweep
struct SweepProgressEvent { SweepProgress progress; bool finished = false; };
struct HistoryEvent { std::vector<RunResult> rows; std::optional<int64_t> baseline; std::vector<std::string> tags; };
struct MessageEvent { std::string text; bool error = false; };
using ControllerEvent = std::variant<HelloEvent, RunEvent, SweepResultEvent, SweepProgressEvent, HistoryEvent, MessageEvent>;

class GuiController {
 public:
  // `store_path` "" opens no store (runs are then kept in memory only).
  GuiController(std::vector<std::string> runner_command, std::string store_path);
  ~GuiController();  // cancels any sweep, stops the runner, joins
  GuiController(const GuiController&) = delete;
  GuiController& operator=(const GuiController&) = delete;

  void hello();
  // Live runs coalesce: a newer request replaces one not yet started. Deferred while a sweep runs.
  void run(const KernelConfig&, const RunOptions&);
  void start_sweep(const SweepPlan&, const GpuSpec&);
  void cancel_sweep();
  void query_history(const StoreQuery&);
  void set_baseline(std::optional<int64_t> id);

  // Everything that happened since the last call; UI thread only.
  std::vector<ControllerEvent> drain();
  bool store_open() const { return store_ok_; }
  const std::string& store_path() const { return store_path_; }

 private:
  struct Command {
    enum class Kind { Hello, Run, Sweep, Cancel, History, Baseline } kind;
    KernelConfig config;
    RunOptions options;
    SweepPlan plan;
    GpuSpec spec;
    StoreQuery query;
    std::optional<int64_t> baseline;
  };
  void post(Command);
  void publish(ControllerEvent);
  void loop();
  void execute(Command&);
  void finish_sweep_results();  // stores and publishes what the sweep thread handed over

  std::vector<std::string> runner_command_;
  std::string store_path_;
  std::atomic<bool> store_ok_{false};  // set by the controller thread once the store opened
  std::unique_ptr<RunnerClient> runner_;
  std::unique_ptr<ResultStore> store_;
  std::unique_ptr<SweepJob> sweep_;
  std::string sweep_tag_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Command> commands_;
  std::optional<Command> pending_run_;
  std::vector<RunResult> sweep_handover_;  // filled by the sweep thread, emptied by ours
  std::vector<ControllerEvent> events_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace gemmscope
