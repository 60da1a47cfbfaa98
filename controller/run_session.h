// RunSession: the one headless session the GUI, the CLI and report presets all drive. Its own
// thread owns the runners (a RunnerPool: one runner, or one per GPU), the running sweep (SweepJob)
// and the results store, so its user never waits on a process or a disk. Commands are posted; what happened comes back as
// events (session_events.h), drained at the user's pace.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controller/result_store.h"
#include "controller/runner_client.h"
#include "controller/runner_pool.h"
#include "controller/session_events.h"
#include "controller/sweep_job.h"

namespace gemmscope {

struct SessionOptions {
  std::vector<std::string> runner_command;  // the one runner, when `pool` names none
  std::string store_path;  // "" keeps runs in memory only
  // Several runners (--devices, --runner-cmd): sweeps spread over them, live runs and ceilings go
  // to the first. With no commands, the pool is runner_command alone.
  PoolOptions pool;
};

class RunSession {
 public:
  explicit RunSession(SessionOptions);
  ~RunSession();  // cancels any sweep, stops the runner, joins
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  // Asks every runner (all at once); answered by one HelloEvent. While a sweep runs, the answer is
  // the runners' last hello, as no runner may be asked then.
  void hello();
  // Live runs coalesce: a newer request replaces one not yet started. Deferred while a sweep runs.
  void run(const KernelConfig&, const RunOptions&);
  void start_sweep(const SweepPlan&, const GpuSpec&);
  void cancel_sweep();
  void query_history(const StoreQuery&);
  // One page of light rows (the query's limit and offset or `after`), with the count when asked:
  // what History's table draws, never the whole table. Answered by a HistoryPageEvent.
  // `first_row` is the page's place in the view (its offset, also when it is asked by key).
  void query_history_page(const StoreQuery&, uint64_t view, int64_t first_row, bool with_count);
  void fetch_runs(const std::vector<int64_t>& ids);  // answered by a StoredRunsEvent
  void set_baseline(std::optional<int64_t> id);
  void measure_ceilings();  // on the primary runner; refused while a sweep runs
  void open_store(const std::string& path);  // replaces the current store; "" closes it

  // Everything that happened since the last call.
  std::vector<SessionEvent> drain();
  // Blocks until something happened or `timeout` passed; then drains.
  std::vector<SessionEvent> wait(std::chrono::milliseconds timeout);

  bool store_open() const { return store_open_; }
  std::string store_path() const;
  const std::vector<std::string>& runner_command() const { return options_.runner_command; }

 private:
  struct Command {
    enum class Kind { Hello, Run, Sweep, Cancel, History, HistoryPage, FetchRuns, Baseline, Ceilings, OpenStore } kind;
    KernelConfig config;
    RunOptions options;
    SweepPlan plan;
    GpuSpec spec;
    StoreQuery query;
    std::optional<int64_t> baseline;
    std::string path;
    uint64_t view = 0;
    int64_t first_row = 0;
    bool with_count = false;
    std::vector<int64_t> ids;
  };
  void post(Command);
  void publish(SessionEvent);
  void loop();
  void execute(Command&);
  void open_store_now(const std::string& path);
  std::string store_result(RunResult&, const std::string& tag);  // "" when stored, else why not
  void finish_sweep_results();  // stores and publishes what the sweep thread handed over
  void remember_card(const KernelConfig&);  // a card's version goes into the store with its runs
  void register_stored_cards();             // so stored card runs read back without the files

  SessionOptions options_;
  std::atomic<bool> store_open_{false};
  std::unique_ptr<RunnerPool> pool_;
  std::unique_ptr<ResultStore> store_;
  std::string store_path_;  // guarded by mu_
  std::unique_ptr<SweepJob> sweep_;
  std::string sweep_tag_;

  mutable std::mutex mu_;
  std::condition_variable cv_, events_cv_;
  std::deque<Command> commands_;
  std::optional<Command> pending_run_;
  std::vector<RunResult> sweep_handover_;  // filled by the sweep thread, emptied by ours
  std::vector<SessionEvent> events_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace gemmscope
