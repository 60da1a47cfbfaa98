#include "app/gui/gui_controller.h"

#include <chrono>

namespace gemmscope {

GuiController::GuiController(std::vector<std::string> runner_command, std::string store_path)
    : runner_command_(std::move(runner_command)), store_path_(std::move(store_path)) {
  thread_ = std::thread([this] { loop(); });
}

GuiController::~GuiController() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void GuiController::post(Command c) {
  {
    std::lock_guard lock(mu_);
    if (c.kind == Command::Kind::Run) pending_run_ = std::move(c);
    else commands_.push_back(std::move(c));
  }
  cv_.notify_all();
}

void GuiController::publish(ControllerEvent e) {
  std::lock_guard lock(mu_);
  events_.push_back(std::move(e));
}

void GuiController::hello() { post({Command::Kind::Hello}); }

void GuiController::run(const KernelConfig& c, const RunOptions& o) {
  Command cmd{Command::Kind::Run};
  cmd.config = c;
  cmd.options = o;
  post(std::move(cmd));
}

void GuiController::start_sweep(const SweepPlan& plan, const GpuSpec& spec) {
  Command cmd{Command::Kind::Sweep};
  cmd.plan = plan;
  cmd.spec = spec;
  post(std::move(cmd));
}

void GuiController::cancel_sweep() { post({Command::Kind::Cancel}); }

void GuiController::query_history(const StoreQuery& q) {
  Command cmd{Command::Kind::History};
  cmd.query = q;
  post(std::move(cmd));
}

void GuiController::set_baseline(std::optional<int64_t> id) {
  Command cmd{Command::Kind::Baseline};
  cmd.baseline = id;
  post(std::move(cmd));
}

std::vector<ControllerEvent> GuiController::drain() {
  std::lock_guard lock(mu_);
  std::vector<ControllerEvent> out;
  out.swap(events_);
  return out;
}

void GuiController::loop() {
  // Opening the store and starting the runner both touch the disk or a process: done here.
  if (!store_path_.empty()) {
    try {
      store_ = std::make_unique<ResultStore>(store_path_);
      store_ok_ = true;
    } catch (const std::exception& e) {
      publish(MessageEvent{std::string("results store unavailable: ") + e.what(), true});
    }
  }
  runner_ = std::make_unique<RunnerClient>(runner_command_);

  for (;;) {
    std::optional<Command> cmd;
    {
      std::unique_lock lock(mu_);
      // While a sweep runs, wake often to hand its results and progress to the UI.
      const auto wait = sweep_ ? std::chrono::milliseconds(50) : std::chrono::milliseconds(500);
      cv_.wait_for(lock, wait, [&] { return stop_ || !commands_.empty() || (pending_run_ && !sweep_); });
      if (stop_) break;
      if (!commands_.empty()) {
        cmd = std::move(commands_.front());
        commands_.pop_front();
      } else if (pending_run_ && !sweep_) {
        cmd = std::move(pending_run_);
        pending_run_.reset();
      }
    }
    if (cmd) execute(*cmd);
    if (sweep_) {
      finish_sweep_results();
      const SweepProgress p = sweep_->progress();
      const bool done = sweep_->finished();
      if (done) {
        sweep_.reset();  // joins; every result was handed over before finished() turned true
        finish_sweep_results();
      }
      publish(SweepProgressEvent{p, done});
    }
  }
  if (sweep_) {
    sweep_->cancel();
    sweep_.reset();
  }
  runner_->stop();
}

void GuiController::finish_sweep_results() {
  std::vector<RunResult> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(sweep_handover_);
  }
  for (auto& r : batch) {
    if (store_) {
      try {
        r.id = store_->insert(r, sweep_tag_);
      } catch (const std::exception& e) {
        publish(MessageEvent{std::string("could not store a sweep result: ") + e.what(), true});
      }
    }
    publish(SweepResultEvent{std::move(r)});
  }
}

void GuiController::execute(Command& c) {
  switch (c.kind) {
    case Command::Kind::Hello:
      publish(HelloEvent{runner_->hello()});
      break;
    case Command::Kind::Run: {
      RunResult r = runner_->run(c.config, c.options);
      if (store_) {
        try {
          r.id = store_->insert(r, "");
        } catch (const std::exception& e) {
          publish(MessageEvent{std::string("could not store the run: ") + e.what(), true});
        }
      }
      publish(RunEvent{std::move(r)});
      break;
    }
    case Command::Kind::Sweep:
      if (sweep_) {
        publish(MessageEvent{"a sweep is already running; cancel it first", true});
        break;
      }
      sweep_tag_ = c.plan.tag;
      sweep_ = std::make_unique<SweepJob>(*runner_, c.plan, c.spec, [this](const RunResult& r) {
        std::lock_guard lock(mu_);
        sweep_handover_.push_back(r);
      });
      break;
    case Command::Kind::Cancel:
      if (sweep_) sweep_->cancel();
      break;
    case Command::Kind::History:
      if (!store_) {
        publish(MessageEvent{"no results store is open", true});
        break;
      }
      try {
        publish(HistoryEvent{store_->query(c.query), store_->baseline(), store_->sweep_tags()});
      } catch (const std::exception& e) {
        publish(MessageEvent{std::string("history query failed: ") + e.what(), true});
      }
      break;
    case Command::Kind::Baseline:
      if (!store_) break;
      try {
        store_->set_baseline(c.baseline);
      } catch (const std::exception& e) {
        publish(MessageEvent{std::string("could not set the baseline: ") + e.what(), true});
      }
      break;
  }
}

}  // namespace gemmscope
