#include "controller/run_session.h"

#include <filesystem>

#include "model/families/card_family.h"

namespace gemmscope {

RunSession::RunSession(SessionOptions options) : options_(std::move(options)) {
  store_path_ = options_.store_path;
  thread_ = std::thread([this] { loop(); });
}

RunSession::~RunSession() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::string RunSession::store_path() const {
  std::lock_guard lock(mu_);
  return store_path_;
}

void RunSession::post(Command c) {
  {
    std::lock_guard lock(mu_);
    if (c.kind == Command::Kind::Run) pending_run_ = std::move(c);
    else commands_.push_back(std::move(c));
  }
  cv_.notify_all();
}

void RunSession::publish(SessionEvent e) {
  {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }
  events_cv_.notify_all();
}

void RunSession::hello() { post({Command::Kind::Hello}); }

void RunSession::run(const KernelConfig& c, const RunOptions& o) {
  Command cmd{Command::Kind::Run};
  cmd.config = c;
  cmd.options = o;
  post(std::move(cmd));
}

void RunSession::start_sweep(const SweepPlan& plan, const GpuSpec& spec) {
  Command cmd{Command::Kind::Sweep};
  cmd.plan = plan;
  cmd.spec = spec;
  post(std::move(cmd));
}

void RunSession::cancel_sweep() { post({Command::Kind::Cancel}); }

void RunSession::query_history(const StoreQuery& q) {
  Command cmd{Command::Kind::History};
  cmd.query = q;
  post(std::move(cmd));
}

void RunSession::query_history_page(const StoreQuery& q, uint64_t view, int64_t first_row, bool with_count) {
  Command cmd{Command::Kind::HistoryPage};
  cmd.query = q;
  cmd.view = view;
  cmd.first_row = first_row;
  cmd.with_count = with_count;
  post(std::move(cmd));
}

void RunSession::fetch_runs(const std::vector<int64_t>& ids) {
  Command cmd{Command::Kind::FetchRuns};
  cmd.ids = ids;
  post(std::move(cmd));
}

void RunSession::set_baseline(std::optional<int64_t> id) {
  Command cmd{Command::Kind::Baseline};
  cmd.baseline = id;
  post(std::move(cmd));
}

void RunSession::measure_ceilings() { post({Command::Kind::Ceilings}); }

void RunSession::open_store(const std::string& path) {
  Command cmd{Command::Kind::OpenStore};
  cmd.path = path;
  post(std::move(cmd));
}

std::vector<SessionEvent> RunSession::drain() {
  std::lock_guard lock(mu_);
  std::vector<SessionEvent> out;
  out.swap(events_);
  return out;
}

std::vector<SessionEvent> RunSession::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  events_cv_.wait_for(lock, timeout, [&] { return !events_.empty(); });
  std::vector<SessionEvent> out;
  out.swap(events_);
  return out;
}

void RunSession::open_store_now(const std::string& path) {
  store_.reset();
  store_open_ = false;
  {
    std::lock_guard lock(mu_);
    store_path_ = path;
  }
  if (path.empty()) {
    publish(StoreEvent{"", false, false, ""});
    return;
  }
  try {
    store_ = std::make_unique<ResultStore>(path);
    store_open_ = true;
    publish(StoreEvent{path, true, store_->writable(), store_->writable() ? "" : "the store is read-only: runs will not be stored"});
    for (const auto& n : store_->notices()) publish(MessageEvent{n, false});  // an upgrade and its backup, or why not
  } catch (const std::exception& e) {
    publish(StoreEvent{path, false, false, e.what()});
  }
}

std::string RunSession::store_result(RunResult& r, const std::string& tag) {
  if (!store_) return "";
  try {
    r.id = store_->insert(r, tag);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void RunSession::loop() {
  // Opening the store and starting the runner both touch the disk or a process: done here.
  open_store_now(options_.store_path);
  PoolOptions pool = options_.pool;
  if (pool.commands.empty()) pool.commands = {options_.runner_command};
  pool_ = std::make_unique<RunnerPool>(std::move(pool));

  for (;;) {
    std::optional<Command> cmd;
    {
      std::unique_lock lock(mu_);
      // While a sweep runs, wake often to hand its results and progress over.
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
    finish_sweep_results();
  }
  pool_->stop();
}

void RunSession::remember_card(const KernelConfig& c) {
  const FamilyPtr f = find_family(c.family);
  const auto card = f ? f->card() : nullptr;
  if (!card || !store_) return;
  try {
    store_->remember_card(*card);
  } catch (const std::exception& e) {
    publish(MessageEvent{std::string("could not record the card in the store: ") + e.what(), true});
  }
}

void RunSession::register_stored_cards() {
  for (const auto& error : register_cards_of(*store_)) publish(MessageEvent{error, true});
}

void RunSession::finish_sweep_results() {
  std::vector<RunResult> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(sweep_handover_);
  }
  for (auto& r : batch) {
    std::string error = store_result(r, sweep_tag_);
    publish(SweepResultEvent{std::move(r), std::move(error)});
  }
}

void RunSession::execute(Command& c) {
  switch (c.kind) {
    case Command::Kind::Hello: {
      PoolHello h = sweep_ ? pool_->last_hello() : pool_->hello();
      if (store_)
        for (const RunnerInfo& info : h.runners) {
          if (!info.ok) continue;
          try {
            store_->remember_device(info.detected);  // each run is judged against its own GPU's spec
          } catch (const std::exception& e) {
            publish(MessageEvent{std::string("could not record the device in the store: ") + e.what(), true});
            break;
          }
        }
      RunnerInfo primary = h.runners.front();
      publish(HelloEvent{std::move(primary), std::move(h.runners), std::move(h.error)});
      break;
    }
    case Command::Kind::Run: {
      remember_card(c.config);
      RunResult r = pool_->primary().run(c.config, c.options);
      std::string error = store_result(r, "");
      publish(RunEvent{std::move(r), std::move(error)});
      break;
    }
    case Command::Kind::Sweep:
      if (sweep_) {
        publish(MessageEvent{"a sweep is already running; cancel it first", true});
        break;
      }
      sweep_tag_ = c.plan.tag;
      remember_card(c.plan.base);
      sweep_ = std::make_unique<SweepJob>(
          *pool_, c.plan, c.spec,
          [this](const RunResult& r) {
            std::lock_guard lock(mu_);
            sweep_handover_.push_back(r);
          },
          [this](const std::string& text, bool error) { publish(MessageEvent{text, error}); });
      break;
    case Command::Kind::Cancel:
      if (sweep_) sweep_->cancel();
      break;
    case Command::Kind::History:
      if (!store_) {
        publish(HistoryEvent{});
        break;
      }
      try {
        register_stored_cards();
        QueryResult q = store_->query(c.query);
        publish(HistoryEvent{std::move(q.runs), std::move(q.bad_rows), store_->baseline(), store_->sweep_tags(), store_->device_specs(),
                             store_->distinct("problem"), store_->distinct("device"), store_->distinct("card")});
      } catch (const std::exception& e) {
        publish(MessageEvent{std::string("history query failed: ") + e.what(), true});
      }
      break;
    case Command::Kind::HistoryPage: {
      HistoryPageEvent e;
      e.view = c.view;
      e.offset = c.first_row;
      if (!store_) {
        e.total = 0;
        publish(std::move(e));
        break;
      }
      try {
        e.rows = store_->page(c.query);
      } catch (const std::exception& ex) {
        e.error = ex.what();
      }
      const bool ok = e.error.empty();
      publish(std::move(e));
      // The page first, then the count: a count can take a hundred times a page, and the table
      // draws the page meanwhile.
      if (ok && c.with_count) {
        HistoryPageEvent counted;
        counted.view = c.view;
        counted.offset = -1;  // no rows: the count only
        try {
          counted.total = store_->count(c.query);
        } catch (const std::exception& ex) {
          counted.error = ex.what();
        }
        publish(std::move(counted));
      }
      break;
    }
    case Command::Kind::FetchRuns: {
      StoredRunsEvent e;
      if (store_) {
        register_stored_cards();
        for (const int64_t id : c.ids) {
          try {
            if (auto r = store_->get(id)) e.runs.push_back(std::move(*r));
            else e.bad_rows.push_back("run " + std::to_string(id) + ": not in the store");
          } catch (const std::exception& ex) {
            e.bad_rows.push_back(ex.what());
          }
        }
      }
      publish(std::move(e));
      break;
    }
    case Command::Kind::Baseline:
      if (!store_) break;
      try {
        store_->set_baseline(c.baseline);
      } catch (const std::exception& e) {
        publish(MessageEvent{std::string("could not set the baseline: ") + e.what(), true});
      }
      break;
    case Command::Kind::Ceilings: {
      CeilingsEvent e;
      if (sweep_) {
        // Its runner is a sweep worker's now; timing ceilings beside the sweep would spoil both.
        e.error = "the ceilings cannot be measured while a sweep runs; cancel it or wait for its end";
        publish(std::move(e));
        break;
      }
      std::string error;
      e.ceilings = pool_->primary().measure_ceilings(error);
      e.error = error;
      publish(std::move(e));
      break;
    }
    case Command::Kind::OpenStore:
      if (sweep_) {
        publish(MessageEvent{"the store cannot change while a sweep runs; cancel it first", true});
        break;
      }
      open_store_now(c.path);
      break;
  }
}

}  // namespace gemmscope
