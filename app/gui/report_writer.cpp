#include "app/gui/report_writer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>

#include "app/gui/device_list.h"
#include "app/gui/panel.h"
#include "app/gui/run_export.h"
#include "app/gui/run_figures.h"
#include "model/advisor/advice.h"
#include "model/occupancy.h"
#include "model/json_codec.h"
#include "model/kernel_family.h"
#include "model/run_roofline.h"
#include "model/roofline.h"

namespace fs = std::filesystem;

namespace gemmscope {
namespace {

// The report as blocks, written out twice: as Markdown and as HTML.
struct Block {
  enum class Kind { Heading, Text, Warning, Table, Image, Code } kind;
  std::string text;
  std::vector<std::vector<std::string>> rows;  // Table: first row is the header
};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

std::string md_cell(std::string s) {
  std::replace(s.begin(), s.end(), '|', '/');
  return s;
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::vector<std::vector<std::string>> spec_table(const GpuSpec& here, const GpuSpec& ref) {
  std::vector<std::vector<std::string>> t = {{"", "this GPU: " + here.name, "reference: " + ref.name}};
  auto row = [&](const std::string& name, double a, double b, const char* f) { t.push_back({name, fmt(f, a), fmt(f, b)}); };
  row("SMs", here.sms, ref.sms, "%.0f");
  row("DRAM GB/s", here.dram_gbps, ref.dram_gbps, "%.0f");
  row("L2 GB/s (0 = unpublished)", here.l2_gbps, ref.l2_gbps, "%.0f");
  row("FP32 TFLOP/s", here.fp32_tflops, ref.fp32_tflops, "%.1f");
  row("TF32 TFLOP/s", here.tf32_tflops, ref.tf32_tflops, "%.1f");
  row("FP16 TFLOP/s", here.fp16_tflops, ref.fp16_tflops, "%.1f");
  row("max warps/SM", here.max_warps_per_sm, ref.max_warps_per_sm, "%.0f");
  row("shared memory/SM (KiB)", double(here.smem_per_sm) / 1024, double(ref.smem_per_sm) / 1024, "%.0f");
  for (const auto& c : ceilings(here))
    if (c.measured) t.push_back({c.label, fmt("%.1f", c.value), "-"});
  return t;
}

// `ran_on` is the spec of the GPU the run ran on; a run with no time shows no figures. A whole run
// is read as its light row (sweep_rows.h), so live and sweep runs print the same way.
std::vector<std::string> run_row(const SweepRow& r, const GpuSpec& ran_on, const GpuSpec& ref) {
  const RunRoofline roof = r.roofline(ran_on, ref);
  if (!roof.measured()) return {r.config_name, to_string(r.disposition), "-", "-", "-", "-", "-", "-", "-"};
  return {r.config_name, to_string(r.disposition), short_time(r.ms_median), fmt("%.2f", r.tflops), fmt("%.0f", r.gbps),
          fmt("%.2f", roof.point.intensity()), roof.here.memory_bound ? "memory" : "compute", fmt("%.1f", roof.here.pct_of_attainable),
          short_time(roof.projection.projected_seconds * 1e3)};
}
std::vector<std::string> run_row(const RunResult& r, const GpuSpec& ran_on, const GpuSpec& ref) {
  return run_row(sweep_row(r, ran_on), ran_on, ref);
}

const std::vector<std::string> kRunHeader = {"config", "result", "time", "TFLOP/s", "GB/s", "FLOP/B", "bound",
                                             "% of attainable", "projected on reference"};

std::vector<Block> build(const std::string& title, const AppState& s, const std::vector<std::string>& pngs) {
  std::vector<Block> b;
  const GpuSpec here = s.here(), ref = s.reference();
  b.push_back({Block::Kind::Heading, title});
  b.push_back({Block::Kind::Text, "Written " + now_utc() + " by gemmscope."});
  if (s.is_replay())
    b.push_back({Block::Kind::Warning,
                 "REPLAY: every figure below was answered by gemmscope-replay-runner from stored results, not measured now."});
  if (!s.has_device())
    b.push_back({Block::Kind::Warning, "No GPU: " + (s.runner ? s.runner->error : std::string("the runner did not answer")) +
                                           ". Rooflines use the " + here.key + " spec."});
  if (s.store.known && !s.store.open && !s.store.error.empty())
    b.push_back({Block::Kind::Warning, "No results store: " + s.store.error + ". The runs of this report were kept in memory only."});
  if (!s.run_blocker().empty())
    b.push_back({Block::Kind::Warning, "Runs and sweeps are off: " + s.run_blocker() + "."});
  std::string runner = "Runner: " + (s.runner ? s.runner->runner_kind : std::string("none"));
  if (s.runner && s.runner->ok)
    runner += " on " + here.name + " (" + here.arch() + "), driver " + s.runner->cuda_driver + ", NVRTC " + s.runner->nvrtc +
              ", cuBLAS " + s.runner->cublas;
  b.push_back({Block::Kind::Text, runner + ". Command: `" + s.runner_description + "`."});
  if (s.runners.size() > 1) {
    // The pool of runners (--devices, --runner-cmd), as Run > Devices lists it.
    std::vector<std::vector<std::string>> t = {{"slot", "GPU", "model", "UUID", "state"}};
    for (size_t i = 0; i < s.runners.size(); ++i) {
      const RunnerInfo& r = s.runners[i];
      t.push_back({std::to_string(i), gpu_label(r.device_index, i), r.ok ? r.detected.name : "-", short_uuid(r.device_uuid), runner_state(r, nullptr)});
    }
    b.push_back({Block::Kind::Table, "", t});
  }

  b.push_back({Block::Kind::Heading, "GPUs"});
  b.push_back({Block::Kind::Table, "", spec_table(here, ref)});

  b.push_back({Block::Kind::Heading, "Configuration"});
  b.push_back({Block::Kind::Text, "Current config `" + config_name(s.config) + "`:"});
  b.push_back({Block::Kind::Code, nlohmann::json{{"config", to_json(s.config)}, {"options", to_json(s.options)}}.dump(2)});

  if (!s.live_runs.empty()) {
    const RunResult& r = s.live_runs.back();
    b.push_back({Block::Kind::Heading, "Latest run"});
    b.push_back({Block::Kind::Table, "", {kRunHeader, run_row(r, s.spec_for(r), ref)}});
    if (!r.reason.empty()) b.push_back({Block::Kind::Text, "Reason: " + r.reason});
    std::vector<std::vector<std::string>> m = {{"metric", "value", "unit"}};
    for (const auto& name : seed_metric_names()) {
      auto it = r.metrics.find(name);
      m.push_back({name, it == r.metrics.end() ? "not collected" : fmt("%.4g", it->second.value),
                   it == r.metrics.end() ? "" : it->second.unit});
    }
    const long long smem = r.static_smem + r.dynamic_smem;
    const int threads = int(r.block_size);
    const GpuSpec ran_on = s.spec_for(r);
    m.push_back({"theoretical occupancy (" + ran_on.name + ")", fmt("%.1f", 100 * theoretical_occupancy(ran_on, threads, r.registers, smem, r.smem_config_bytes).fraction), "%"});
    m.push_back({"theoretical occupancy (" + ref.key + ")", fmt("%.1f", 100 * theoretical_occupancy(ref, threads, r.registers, smem).fraction), "%"});
    m.push_back({"registers", std::to_string(r.registers), "register/thread"});
    m.push_back({"shared memory", std::to_string(smem), "byte/block"});
    m.push_back({"relative Frobenius error", r.verify.checked ? fmt("%.3e", r.verify.rel_fro_error) : "not verified", ""});
    m.push_back({"allclose", r.verify.checked ? (r.verify.allclose() ? "pass" : "FAIL") : "not verified", ""});
    b.push_back({Block::Kind::Table, "", m});
  }
  if (const RunResult* r = s.advised_run()) {
    const Advice a = advise(*r, s.spec_for(*r), ref);
    b.push_back({Block::Kind::Heading, "Advisor"});
    b.push_back({Block::Kind::Text, "Reading `" + r->config_name + "`: " + a.summary + "."});
    std::vector<std::vector<std::string>> f = {{"#", "stage", "finding", "estimate", "figures"}};
    int i = 0;
    for (const auto& x : a.findings) {
      std::string checks;
      for (const auto& c : x.checks) checks += (checks.empty() ? "" : "; ") + c.text();
      f.push_back({std::to_string(++i), to_string(x.stage), x.title,
                   x.estimated_speedup > 0 ? fmt("up to %.2fx", x.estimated_speedup) : "no estimate", checks});
    }
    if (f.size() > 1) b.push_back({Block::Kind::Table, "", f});
    std::vector<std::vector<std::string>> g = {{"next config", "why", "finding"}};
    for (const auto& sg : a.suggestions) g.push_back({sg.name, sg.reason, sg.finding});
    if (g.size() > 1) b.push_back({Block::Kind::Table, "", g});
  }
  if (s.guided && !s.guided->tuner().path().empty()) {
    const GuidedTuner& t = s.guided->tuner();
    b.push_back({Block::Kind::Heading, "Guided tuning"});
    b.push_back({Block::Kind::Text, std::to_string(t.runs()) + " runs; " + (t.done() ? "stopped: " + t.stop_reason() : "still running") + "."});
    std::vector<std::vector<std::string>> rows = {{"step", "config", "time (ms)", "speed-up", "why", "moved most"}};
    int i = 0;
    for (const auto& step : t.path()) {
      std::string moved;
      for (const auto& m : step.moved) moved += (moved.empty() ? "" : "; ") + m;
      rows.push_back({std::to_string(++i), step.run.config_name, fmt("%.4f", step.run.ms_median), fmt("%.2fx", step.speedup_over_start),
                      step.reason.empty() ? "the starting config" : step.reason + " [" + step.finding + "]", moved});
    }
    b.push_back({Block::Kind::Table, "", rows});
  }
  if (!s.live_runs.empty()) {
    b.push_back({Block::Kind::Heading, "Live runs"});
    std::vector<std::vector<std::string>> t = {kRunHeader};
    for (const auto& r : s.live_runs) t.push_back(run_row(r, s.spec_for(r), ref));
    b.push_back({Block::Kind::Table, "", t});
  }
  if (!s.sweep.empty()) {
    b.push_back({Block::Kind::Heading, "Sweep"});
    const auto& p = s.sweep_progress;
    b.push_back({Block::Kind::Text, std::to_string(s.sweep.size()) + " results (" + std::to_string(p.failed) + " failed, " +
                                        std::to_string(p.skipped) + " skipped" + (p.cancelled ? ", cancelled" : "") + ") in " +
                                        fmt("%.1f", p.elapsed_s) + " s. Ten fastest:"});
    // Ten fastest per GPU model: points measured on different models are not ranked together.
    for (const ModelRows& m : s.sweep.models()) {
      std::vector<const SweepRow*> best;
      for (const auto& r : s.sweep.rows())
        if (r.passed() && r.device == m.model) best.push_back(&r);
      const size_t shown = std::min<size_t>(10, best.size());
      std::partial_sort(best.begin(), best.begin() + ptrdiff_t(shown), best.end(), [](auto* a, auto* c) { return a->ms_median < c->ms_median; });
      if (s.sweep.models().size() > 1) b.push_back({Block::Kind::Text, "On " + m.model + " (" + std::to_string(m.rows) + " points):"});
      std::vector<std::string> header = kRunHeader;
      header.insert(header.begin() + 1, "GPU");
      std::vector<std::vector<std::string>> t = {header};
      for (size_t i = 0; i < shown; ++i) {
        std::vector<std::string> row = run_row(*best[i], s.spec_for(best[i]->device), ref);
        row.insert(row.begin() + 1, run_gpu_label(best[i]->device_index));
        t.push_back(row);
      }
      b.push_back({Block::Kind::Table, "", t});
    }
    // The pool's share of the sweep, as the Sweep panel showed it.
    if (p.runners.size() > 1) {
      b.push_back({Block::Kind::Text, "Per GPU:"});
      std::vector<std::vector<std::string>> g = {{"GPU", "model", "UUID", "points", "failed", "restarts", "busy (s)", "state"}};
      for (const RunnerProgress& r : p.runners)
        g.push_back({gpu_label(r.device_index, r.slot), r.device, short_uuid(r.device_uuid), std::to_string(r.done), std::to_string(r.failed),
                     std::to_string(r.restarts), fmt("%.1f", r.busy_s),
                     r.state == MemberState::Removed ? "out of the pool: " + r.last_failure : "in the pool"});
      b.push_back({Block::Kind::Table, "", g});
    }
  }
  if (s.store.open) {
    const auto& pages = s.history_pages;
    b.push_back({Block::Kind::Heading, "Store"});
    b.push_back({Block::Kind::Text, "`" + s.store.path + "`: History lists " +
                                        (pages.total ? std::to_string(*pages.total) + " runs" : std::string("runs not counted yet")) +
                                        " matching its filter, newest first, holding " + std::to_string(pages.pages.size()) + " pages of " +
                                        std::to_string(AppState::HistoryPages::kRows) + " rows; the roofline reads the newest " +
                                        std::to_string(s.history.size()) + " whole."});
  }
  b.push_back({Block::Kind::Heading, "Frame time"});
  const FrameStats& f = s.frames;
  b.push_back({Block::Kind::Text, "Time per frame, from its start to its draw data submitted (swap excluded): wall time, and the UI "
                                  "thread's CPU time (wall less the time it was preempted, e.g. by a sweep's runner and store on a small machine); the " +
                                      std::to_string(f.capture_frames) + " frames that wrote a screenshot or these files are left out. "
                                      "First frame " + fmt("%.0f", f.first_frame_ms) + " ms after start" +
                                      (f.first_rows_ms >= 0 ? "; History's first page of stored runs drawn " + fmt("%.0f", f.first_rows_ms) + " ms after start"
                                                            : "; no stored runs drawn in History") + "."});
  std::vector<std::vector<std::string>> t = {{"frames", "count", "mean (ms)", "p95 (ms)", "max (ms)", "over 8 ms", "over 16 ms"}};
  auto row = [&](const std::string& name, const FrameSummary& x) {
    if (x.frames > 0)
      t.push_back({name, std::to_string(x.frames), fmt("%.2f", x.mean()), fmt("%.2f", x.p95()), fmt("%.2f", x.max_ms),
                   std::to_string(x.over_8ms), std::to_string(x.over_16ms)});
  };
  row("all", f.all);
  row("while the sweep ran", f.sweeping);
  row("held (the preset's hold steps)", f.held);
  row("all, UI thread CPU", f.all_cpu);
  row("while the sweep ran, UI thread CPU", f.sweeping_cpu);
  row("held, UI thread CPU", f.held_cpu);
  b.push_back({Block::Kind::Table, "", t});
  b.push_back({Block::Kind::Text, f.sweeping.frames > 0 ? "While the sweep ran: longest gap between frames " + fmt("%.1f", f.max_interval_sweeping) +
                                                              " ms (swap included)."
                                                        : "No sweep ran in this session; last frame " + fmt("%.2f", f.last_ms) + " ms."});
  if (!pngs.empty()) {
    b.push_back({Block::Kind::Heading, "Screenshots"});
    for (const auto& p : pngs) b.push_back({Block::Kind::Image, fs::path(p).filename().string()});
  }
  b.push_back({Block::Kind::Heading, "Files"});
  b.push_back({Block::Kind::Text, "results.csv and results.json hold the live runs of this session and the current sweep's runs "
                                  "(read back from the store, or kept in memory where it has none), results.json with the advisor's "
                                  "reading of each; config.json the current config; gpus.json both GPU specs."});
  return b;
}

void write_markdown(std::ostream& o, const std::vector<Block>& blocks) {
  bool first = true;
  for (const auto& b : blocks) {
    switch (b.kind) {
      case Block::Kind::Heading: o << (first ? "# " : "\n## ") << b.text << "\n\n"; break;
      case Block::Kind::Text: o << b.text << "\n\n"; break;
      case Block::Kind::Warning: o << "> **" << b.text << "**\n\n"; break;
      case Block::Kind::Code: o << "```json\n" << b.text << "\n```\n\n"; break;
      case Block::Kind::Image: o << "![" << b.text << "](" << b.text << ")\n\n"; break;
      case Block::Kind::Table:
        for (size_t i = 0; i < b.rows.size(); ++i) {
          o << "|";
          for (const auto& c : b.rows[i]) o << " " << md_cell(c) << " |";
          o << "\n";
          if (i == 0) {
            o << "|";
            for (size_t k = 0; k < b.rows[0].size(); ++k) o << " --- |";
            o << "\n";
          }
        }
        o << "\n";
        break;
    }
    first = false;
  }
}

void write_html(std::ostream& o, const std::vector<Block>& blocks) {
  o << "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>gemmscope report</title>\n"
       "<style>body{font-family:sans-serif;max-width:1700px;margin:2em auto;padding:0 1em}"
       "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #999;padding:2px 8px;text-align:right}"
       "td:first-child,th:first-child{text-align:left}.warn{background:#fdd;border:2px solid #c00;padding:0.5em;font-weight:bold}"
       "img{max-width:100%;border:1px solid #888;margin:0.5em 0}pre{background:#eee;padding:0.5em}</style></head><body>\n";
  bool first = true;
  for (const auto& b : blocks) {
    switch (b.kind) {
      case Block::Kind::Heading: o << (first ? "<h1>" : "<h2>") << html_escape(b.text) << (first ? "</h1>\n" : "</h2>\n"); break;
      case Block::Kind::Text: o << "<p>" << html_escape(b.text) << "</p>\n"; break;
      case Block::Kind::Warning: o << "<p class=\"warn\">" << html_escape(b.text) << "</p>\n"; break;
      case Block::Kind::Code: o << "<pre>" << html_escape(b.text) << "</pre>\n"; break;
      case Block::Kind::Image: o << "<p><img src=\"" << b.text << "\" alt=\"" << b.text << "\"></p>\n"; break;
      case Block::Kind::Table:
        o << "<table>\n";
        for (size_t i = 0; i < b.rows.size(); ++i) {
          o << "<tr>";
          for (const auto& c : b.rows[i]) o << (i == 0 ? "<th>" : "<td>") << html_escape(c) << (i == 0 ? "</th>" : "</td>");
          o << "</tr>\n";
        }
        o << "</table>\n";
        break;
    }
    first = false;
  }
  o << "</body></html>\n";
}

}  // namespace

bool write_report(const std::string& dir, const std::string& title, const AppState& s, const std::vector<std::string>& pngs,
                  const std::string& preset_json, std::string& error) {
  try {
    fs::create_directories(dir);
    const auto blocks = build(title, s, pngs);
    std::ofstream md(fs::path(dir) / "report.md"), html(fs::path(dir) / "report.html");
    write_markdown(md, blocks);
    write_html(html, blocks);
    std::ofstream(fs::path(dir) / "config.json") << nlohmann::json{{"config", to_json(s.config)}, {"options", to_json(s.options)}}.dump(2)
                                                 << "\n";
    nlohmann::json gpus = {{"this_gpu", to_json(s.here())}, {"reference", to_json(s.reference())},
                           {"runner_kind", s.runner ? s.runner->runner_kind : ""}, {"device_detected", s.has_device()}};
    std::ofstream(fs::path(dir) / "gpus.json") << gpus.dump(2) << "\n";
    if (!preset_json.empty()) std::ofstream(fs::path(dir) / "preset.json") << preset_json << "\n";
    if (!md || !html) {
      error = "cannot write the report documents in " + dir;
      return false;
    }
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

std::shared_future<std::string> start_results_export(const std::string& dir, const AppState& s) {
  // Everything the worker reads is copied in: it never touches AppState.
  ExportSource src = s.session_runs();
  std::optional<GpuSpec> detected;
  if (s.has_device()) detected = s.runner->detected;
  return std::async(std::launch::async, [dir, src = std::move(src), detected, remembered = s.device_specs, files = s.specs,
                                         here = s.here(), ref = s.reference()]() -> std::string {
    try {
      std::vector<std::string> bad_rows;
      export_runs((fs::path(dir) / "results.csv").string(), ExportFormat::by_extension, src, bad_rows);
      // Each run with the advisor's reading of it, judged on the GPU it ran on (as AppState::spec_for).
      export_runs((fs::path(dir) / "results.json").string(), ExportFormat::by_extension, src, bad_rows,
                  [&](const RunResult& r, nlohmann::json& j) {
                    if (r.ms_median <= 0) return;
                    const GpuSpec ran_on = detected && detected->name == r.device ? *detected : spec_for_device(r.device, remembered, files, here);
                    j["advice"] = advice_json(advise(r, ran_on, ref));
                  });
      if (!bad_rows.empty()) return std::to_string(bad_rows.size()) + " stored runs did not read, the rest are written (" + bad_rows.front() + ")";
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  }).share();
}

bool step_report(ReportJob& job, AppState& s) {
  if (job.done) return false;
  if (job.results.valid()) {
    if (job.results.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    job.error = job.results.get();
    job.ok = job.error.empty();
    job.done = true;
    s.message(job.ok ? "report written to " + job.dir : "report failed: " + job.error, !job.ok);
    return false;
  }
  if (job.wait_frames > 0) {
    --job.wait_frames;
    return false;
  }
  if (!job.started) {
    std::error_code ec;
    fs::create_directories(job.dir, ec);
    job.started = true;
  }
  if (job.next < job.panels.size()) {
    const std::string& panel = job.panels[job.next];
    if (!panel.empty() && !job.focused) {
      // Bring the panel's tab to front and let the layout settle before reading it back; the
      // frame-time overlay floats over panels, so it is hidden while one is captured.
      s.focus_panel = panel;
      job.overlay_was_shown = job.overlay_was_shown || s.show_frame_overlay;
      s.show_frame_overlay = false;
      job.focused = true;
      job.wait_frames = 3;
      return false;
    }
    const std::string name = panel.empty() ? std::string("window") : panel_key(panel.c_str());
    job.requested.push_back((fs::path(job.dir) / (name + ".png")).string());
    s.captures.push_back({panel, job.requested.back()});
    ++job.next;
    if (panel.empty() && job.overlay_was_shown) s.show_frame_overlay = true;
    job.focused = false;
    job.wait_frames = 1;  // the capture is served after this frame renders
    return false;
  }
  if (job.overlay_was_shown) s.show_frame_overlay = true;
  if (!job.write_documents) {
    job.done = job.ok = true;
    return false;
  }
  std::vector<std::string> pngs;
  for (const auto& p : job.requested)
    if (std::find(s.written_pngs.begin(), s.written_pngs.end(), p) != s.written_pngs.end()) pngs.push_back(p);
  if (!write_report(job.dir, job.title, s, pngs, job.preset_json, job.error)) {
    job.done = true;
    s.message("report failed: " + job.error, true);
    return true;
  }
  job.results = start_results_export(job.dir, s);
  return true;
}

}  // namespace gemmscope
