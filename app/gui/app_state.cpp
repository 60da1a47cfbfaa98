#include "app/gui/app_state.h"

#include <algorithm>
#include <cstdlib>

#include "app/gui/run_figures.h"
#include "model/families/card_family.h"
#include "model/kernel_family.h"
#include "model/validate.h"

namespace gemmscope {

void FrameSummary::add(double v) {
  ++frames;
  sum_ms += v;
  max_ms = std::max(max_ms, v);
  if (v > 8.0) ++over_8ms;
  if (v > 16.0) ++over_16ms;
  ++bins[size_t(std::clamp(int(v / kBinMs), 0, kBins - 1))];
}

double FrameSummary::p95() const {
  if (frames == 0) return 0;
  const int64_t want = (int64_t(frames) * 95 + 99) / 100;  // the ceil(0.95 n)-th frame
  int64_t seen = 0;
  for (int i = 0; i < kBins; ++i)
    if ((seen += bins[size_t(i)]) >= want) return std::min(max_ms, (i + 1) * kBinMs);
  return max_ms;
}

void FrameStats::add(double frame_ms, double cpu_ms, double interval_ms, bool is_sweeping, bool capture) {
  last_ms = frame_ms;
  last_interval_ms = interval_ms;
  ms[size_t(head)] = float(frame_ms);
  head = (head + 1) % int(ms.size());
  count = std::min(count + 1, int(ms.size()));
  if (capture) {
    ++capture_frames;
    return;
  }
  all.add(frame_ms), all_cpu.add(cpu_ms);
  if (holding) held.add(frame_ms), held_cpu.add(cpu_ms);
  if (is_sweeping) {
    sweeping.add(frame_ms), sweeping_cpu.add(cpu_ms);
    max_interval_sweeping = std::max(max_interval_sweeping, interval_ms);
  }
}

GpuSpec AppState::here() const {
  if (runner && runner->ok) return runner->detected;
  if (auto s = find_spec(specs, here_key)) return *s;
  return specs.empty() ? GpuSpec{} : specs.front();
}

GpuSpec AppState::reference() const {
  if (auto s = find_spec(specs, reference_key)) return *s;
  return specs.empty() ? GpuSpec{} : specs.front();
}

GpuSpec AppState::spec_for(const RunResult& r) const { return spec_for(r.device); }

GpuSpec AppState::spec_for(const std::string& device) const {
  if (has_device() && runner->detected.name == device) return runner->detected;
  for (const RunnerInfo& r : runners)
    if (r.ok && r.detected.name == device) return r.detected;
  return spec_for_device(device, device_specs, specs, here());
}

void AppState::update_sweep_view() {
  sweep_view.model = sweep.view_model(sweep_view.chosen ? sweep_view.model : "", has_device() ? runner->detected.name : "");
}

std::string AppState::run_blocker() const {
  if (!runner) return "the runner has not answered yet";
  if (!runner->ok) return "no GPU: " + runner->error;
  return "";
}

void AppState::request_run(RunSession& session) {
  if (const std::string why = run_blocker(); !why.empty()) {
    message("not run: " + why, true);
    return;
  }
  if (Validation v = validate(config, here()); !v.ok()) {
    message("not run: " + v.message(), true);
    return;
  }
  run_in_flight = true;
  session.run(config, options);
}

void AppState::apply(const KernelConfig& c, RunSession& session) {
  set_config(c);
  request_run(session);
  focus_panel = "Live";
}

void AppState::reset_sweep_axes() {
  sweep_axes.clear();
  const FamilyPtr f = find_family(config.family);
  if (!f) return;
  for (const ParamDecl& d : f->params()) sweep_axes[d.name] = {};
  for (const auto& [name, values] : f->sweep_space(config.shape, here())) {
    auto& a = sweep_axes[name];
    a.enabled = true;
    a.values.insert(values.begin(), values.end());
  }
  const auto& params = f->params();
  if (params.size() >= 2) heat_x = params[0].name, heat_y = params[1].name;
  else if (!params.empty()) heat_x = heat_y = params[0].name;
}

void AppState::start_sweep(RunSession& session) {
  if (const std::string why = run_blocker(); !why.empty()) {
    message("sweep not started: " + why, true);
    return;
  }
  SweepPlan plan;
  plan.base = config;
  plan.options = options;
  // In the family's declaration order, as the CLI and the default sweep order them.
  if (const FamilyPtr f = find_family(config.family))
    for (const ParamDecl& d : f->params())
      if (auto it = sweep_axes.find(d.name); it != sweep_axes.end() && it->second.enabled && !it->second.values.empty())
        plan.axes.push_back({d.name, std::vector<int>(it->second.values.begin(), it->second.values.end())});
  plan.tag = sweep_tag.empty() ? "gui-" + config.family + "@" + problem_name(config.shape) : sweep_tag;
  new_sweep(plan.tag);
  sweep_progress = {};
  sweep_running = true;
  session.start_sweep(plan, here());
  message("sweep '" + plan.tag + "' started");
}

const RunResult* AppState::advised_run() const {
  if (selected.size() == 1)
    if (const RunResult* r = find_run(*selected.begin())) return r;
  if (guided && guided->tuner().best() && live_runs.size() <= live_runs_before_guided) return guided->tuner().best();
  if (!live_runs.empty()) return &live_runs.back();
  return sweep.best();
}

void AppState::new_sweep(const std::string& tag) {
  sweep.clear();
  sweep_rows_tag = tag;
  sweep_rows_store = store.open ? store.path : "";
}

void AppState::try_suggestions(const std::vector<Suggestion>& suggestions, const RunResult& from, RunSession& session) {
  if (const std::string why = run_blocker(); !why.empty()) return message("not tried: " + why, true);
  if (sweep_running) return message("not tried: a sweep is running", true);
  if (suggestions.empty()) return;
  SweepPlan plan;
  plan.base = from.config;
  plan.options = options;
  AdviceTrial t{from, {}, "advice-" + from.config_name};
  for (const auto& sg : suggestions) plan.points.push_back(sg.config), t.names.push_back(sg.name);
  plan.tag = t.tag;
  advice_trial = t;
  new_sweep(plan.tag);
  sweep_progress = {};
  sweep_running = true;
  session.start_sweep(plan, here());
  message("trying " + std::to_string(suggestions.size()) + " suggested configs against " + from.config_name);
}

void AppState::start_guided(RunSession& session) {
  if (const std::string why = run_blocker(); !why.empty()) return message("guided tuning not started: " + why, true);
  if (sweep_running) return message("guided tuning not started: a sweep is running", true);
  RunOptions o = options;
  if (o.metrics.empty()) o.metrics = "seed";  // the rules read counters
  guided = std::make_unique<GuidedRun>(config, o, here(), reference(), guided_budget, "guided-" + config_name(config));
  live_runs_before_guided = live_runs.size();
  new_sweep("guided-" + config_name(config));
  sweep_progress = {};
  sweep_running = true;
  guided->start(session);
  message("guided tuning of " + config_name(config) + " started");
}

void AppState::cancel_guided(RunSession& session) {
  if (guided && !guided->done()) guided->cancel(session);
}

void AppState::route(SessionEvent&& e, RunSession& session) {
  if (guided && guided->running()) {
    guided->on_event(e, session);
    if (auto* p = std::get_if<SweepProgressEvent>(&e); p && p->finished) {
      // The guided run posts its next batch at once: the sweep goes on under the same banner.
      if (!guided->done()) {
        apply(std::move(e));
        sweep_running = true;
        return;
      }
      message("guided tuning: " + guided->tuner().stop_reason());
      // Keep the best: it becomes the Workload's config (not run again; its run is in the path).
      if (const RunResult* best = guided->tuner().best()) set_config(best->config);
    }
  }
  apply(std::move(e));
}

namespace {

std::filesystem::file_time_type mtime(const std::string& p) {
  std::error_code ec;
  const auto t = std::filesystem::last_write_time(p, ec);
  return ec ? std::filesystem::file_time_type{} : t;
}

}  // namespace

bool AppState::open_card(const std::string& path, RunSession& session) {
  try {
    const FamilyPtr f = load_card_family(path);
    const auto c = f->card();
    card = CardWatch{path, c->source_path, c->hash, "", mtime(path), mtime(c->source_path), 1};
    set_config(f->defaults(config.shape));
    message("card " + c->name + " opened (" + to_string(c->language) + ", " + path + ")");
    if (has_device()) request_run(session);
    return true;
  } catch (const std::exception& e) {
    message(std::string("card not opened: ") + e.what(), true);
    return false;
  }
}

void AppState::poll_card(RunSession& session) {
  if (!card) return;
  const auto card_time = mtime(card->path), source_time = mtime(card->source_path);
  if (card_time == card->card_time && source_time == card->source_time) return;
  card->card_time = card_time, card->source_time = source_time;
  try {
    const FamilyPtr f = load_card_family(card->path);
    const auto c = f->card();
    if (c->hash == card->hash) return;  // touched, not changed
    // The values the new version still offers carry over; the rest take its defaults.
    KernelConfig next = f->defaults(config.shape);
    if (config.family == f->name())
      for (const auto& [name, v] : config.params.items())
        if (const ParamDecl* d = find_param(f->params(), name); d && d->offers(v)) next.set(name, v);
    card->hash = c->hash;
    card->source_path = c->source_path;
    card->error.clear();
    ++card->versions;
    set_config(next);
    // A changed table changes the sweep editor's rows; the same table keeps the user's axes.
    bool same_table = sweep_axes.size() == f->params().size();
    for (const ParamDecl& d : f->params()) same_table = same_table && sweep_axes.count(d.name);
    if (!same_table) reset_sweep_axes();
    message("card " + c->name + " changed: version " + c->hash.substr(0, 8) + (has_device() ? ", running it" : ""));
    if (has_device() && !sweep_running) request_run(session);
  } catch (const std::exception& e) {
    card->error = e.what();
    message(std::string("card not reloaded (the last good version stays): ") + e.what(), true);
  }
}

const RunResult* AppState::find_run(int64_t id) const {
  for (const auto* list : {&live_runs, &history})
    for (const auto& r : *list)
      if (r.id == id) return &r;
  if (const RunResult* best = sweep.best(); best && best->id == id) return best;
  if (const RunResult* r = sweep.unstored(id)) return r;
  if (auto it = stored_runs.find(id); it != stored_runs.end()) return &it->second;
  return nullptr;
}

void AppState::fetch_stored_run(int64_t id, RunSession& session) {
  if (id <= 0 || find_run(id) || !stored_runs_asked.insert(id).second) return;
  session.fetch_runs({id});
}

const RunRow* AppState::HistoryPages::row(int64_t i) const {
  const auto it = pages.find(i / kRows);
  if (it == pages.end() || size_t(i % kRows) >= it->second.size()) return nullptr;
  return &it->second[size_t(i % kRows)];
}

void AppState::HistoryPages::reset(const StoreQuery& f, RunSession& session) {
  filter = f;
  filter.newest_first = true;
  ++view;
  total.reset();
  pages.clear();
  asked.clear();
  StoreQuery q = filter;
  q.limit = kRows;
  asked.insert(0);
  session.query_history_page(q, view, 0, true);
}

int64_t AppState::HistoryPages::shown_rows() const {
  if (total) return *total;
  const auto first = pages.find(0);  // the first page comes before the count
  return first == pages.end() ? 0 : int64_t(first->second.size());
}

void AppState::HistoryPages::need(int64_t first, int64_t last, RunSession& session) {
  if (last <= first) return;
  const int64_t from = first / kRows, to = (last - 1) / kRows;
  for (int64_t p = from; p <= to; ++p) {
    if (!asked.insert(p).second) continue;
    StoreQuery q = filter;
    q.limit = kRows;
    // Next to a page held, by key (an index seek); else by offset, which walks the rows before it.
    const auto before = pages.find(p - 1);
    if (before != pages.end() && before->second.size() == size_t(kRows)) q.after = before->second.back().id;
    else q.offset = p * kRows;
    session.query_history_page(q, view, p * kRows, false);
  }
  centre = (from + to) / 2;
}

void AppState::HistoryPages::add(int64_t first_row, std::vector<RunRow>&& rows) {
  pages[first_row / kRows] = std::move(rows);
  // Memory stays a few pages whatever the store holds: the farthest from the screen go.
  while (pages.size() > kKept) {
    auto far = std::max_element(pages.begin(), pages.end(),
                                [&](const auto& a, const auto& b) { return std::abs(a.first - centre) < std::abs(b.first - centre); });
    asked.erase(far->first);
    pages.erase(far);
  }
}

ExportSource AppState::session_runs() const {
  ExportSource src;
  src.runs = live_runs;
  for (const auto& [id, r] : sweep.unstored()) src.runs.push_back(r);
  src.sweep_tag = sweep_rows_tag;
  src.sweep_ids = sweep.stored_ids();
  src.store_path = sweep_rows_store;
  src.devices = runners.size() > 1 || std::any_of(sweep.rows().begin(), sweep.rows().end(), [](const SweepRow& r) { return r.device_index >= 0; });
  return src;
}

std::string AppState::export_selection(const std::string& path, bool ncu_long) const {
  ExportSource src;
  if (!selected.empty()) {
    // A selected run not held whole (a sweep's, not fetched yet) is read back from the store.
    for (int64_t id : selected) {
      if (const RunResult* r = find_run(id)) src.runs.push_back(*r);
      else if (id > 0) src.ids.push_back(id);
    }
    src.store_path = store.open ? store.path : "";
    src.devices = runners.size() > 1;
  } else {
    src = session_runs();
    src.runs.insert(src.runs.end(), history.begin(), history.end());  // stored copies of the same runs are written once
  }
  if (src.runs.empty() && src.ids.empty() && src.sweep_ids.empty()) throw std::invalid_argument("nothing to export: no runs yet");
  if (path.empty()) throw std::invalid_argument("export: no file name given");
  const std::string absolute = std::filesystem::absolute(path).string();
  std::vector<std::string> bad_rows;
  export_runs(absolute, ncu_long ? ExportFormat::ncu_long : ExportFormat::by_extension, src, bad_rows);
  if (!bad_rows.empty())
    throw std::runtime_error("export " + absolute + ": written without " + std::to_string(bad_rows.size()) +
                             " runs that did not read (" + bad_rows.front() + ")");
  return absolute;
}

void AppState::set_config(const KernelConfig& c) {
  const bool family_changed = c.family != config.family || !(c.shape == config.shape);
  config = c;
  if (family_changed || sweep_axes.empty()) reset_sweep_axes();
}

void AppState::message(const std::string& text, bool error) {
  log.push_back(text);
  if (log.size() > 200) log.erase(log.begin());
  if (error) last_error = text;
}

void AppState::apply(SessionEvent&& e) {
  if (auto* h = std::get_if<HelloEvent>(&e)) {
    runner = h->info;
    runners = h->runners.empty() ? std::vector<RunnerInfo>{h->info} : h->runners;
    pool_error = h->pool_error;
    if (h->info.ok) message("runner: " + h->info.runner_kind + " on " + h->info.detected.name);
    else message("no GPU: " + h->info.error, true);
    if (runners.size() > 1)
      for (size_t i = 0; i < runners.size(); ++i)
        message("runner " + std::to_string(i) + ": " + (runners[i].ok ? runners[i].detected.name : "no GPU: " + runners[i].error) +
                    (runners[i].device_index >= 0 ? " (device " + std::to_string(runners[i].device_index) + ")" : ""),
                !runners[i].ok);
    if (!pool_error.empty()) message("runner pool: " + pool_error, true);
  } else if (auto* r = std::get_if<RunEvent>(&e)) {
    run_in_flight = false;
    if (r->result.id == 0) r->result.id = next_local_id--;
    if (!passed(r->result)) message(r->result.config_name + ": " + to_string(r->result.disposition) + ": " + r->result.reason, true);
    if (!r->store_error.empty()) message("run not stored: " + r->store_error, true);
    live_runs.push_back(std::move(r->result));
  } else if (auto* s = std::get_if<SweepResultEvent>(&e)) {
    if (s->result.id == 0) s->result.id = next_local_id--;
    if (!s->store_error.empty()) message("sweep result not stored: " + s->store_error, true);
    const GpuSpec ran_on = spec_for(s->result);
    sweep.add(std::move(s->result), ran_on);
    update_sweep_view();
  } else if (auto* p = std::get_if<SweepProgressEvent>(&e)) {
    sweep_progress = p->progress;
    if (p->finished && sweep_running) {
      sweep_running = false;
      message("sweep finished: " + std::to_string(p->progress.done) + " run, " + std::to_string(p->progress.failed) +
              " failed, " + std::to_string(p->progress.skipped) + " skipped" + (p->progress.cancelled ? " (cancelled)" : ""));
    }
  } else if (auto* h = std::get_if<HistoryEvent>(&e)) {
    history = std::move(h->rows);
    baseline = h->baseline;
    sweep_tags = std::move(h->tags);
    store_problems = std::move(h->problems);
    store_devices = std::move(h->device_names);
    store_cards = std::move(h->cards);
    if (!h->devices.empty()) device_specs = std::move(h->devices);
    for (const auto& bad : h->bad_rows) message("history: skipped " + bad, true);
    history_loaded = true;
  } else if (auto* page = std::get_if<HistoryPageEvent>(&e)) {
    if (page->view != history_pages.view) return;  // a page of a filter no longer shown
    if (!page->error.empty()) {
      message("history page: " + page->error, true);
      if (page->offset >= 0) history_pages.asked.erase(page->offset / HistoryPages::kRows);
      return;
    }
    if (page->total) history_pages.total = page->total;
    if (page->offset >= 0) history_pages.add(page->offset, std::move(page->rows));
  } else if (auto* fetched = std::get_if<StoredRunsEvent>(&e)) {
    for (auto& r : fetched->runs) stored_runs[r.id] = std::move(r);
    for (const auto& bad : fetched->bad_rows) message("history: " + bad, true);
  } else if (auto* st = std::get_if<StoreEvent>(&e)) {
    store = {true, st->open, st->writable, st->path, st->error};
    if (!st->error.empty()) message("store: " + st->error, true);
    else if (st->open) message("store: " + st->path);
    history.clear();
    history_loaded = false;
    const uint64_t view = history_pages.view;  // views keep counting: a late page of the old store is dropped
    history_pages = {};
    history_pages.view = view + 1;
    stored_runs.clear();
    stored_runs_asked.clear();
  } else if (auto* c = std::get_if<CeilingsEvent>(&e)) {
    if (c->ceilings && runner) runner->detected.measured = *c->ceilings;
    if (!c->error.empty()) message("ceilings: " + c->error, !c->ceilings);
  } else if (auto* m = std::get_if<MessageEvent>(&e)) {
    message(m->text, m->error);
  }
}

}  // namespace gemmscope
