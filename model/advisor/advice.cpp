#include "model/advisor/advice.h"

#include "model/text_format.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "model/json_codec.h"
#include "model/launch_metrics.h"
#include "model/metric_catalog.h"

namespace gemmscope {

namespace {


std::string speedup_text(const Finding& f) {
  return f.estimated_speedup > 0 ? "up to " + format_number("%.2fx", f.estimated_speedup) : "no estimate";
}

}  // namespace

std::vector<FocusBar> focus_bars(const RunResult& r, const GpuSpec& g, Stage s) {
  std::vector<FocusBar> bars;
  const RunFacts x = run_facts(r, g);
  const auto launch = launch_metrics(r, g);
  for (const FocusMetric& m : stage_info(s).metrics) {
    FocusBar b;
    b.metric = m.metric;
    const MetricInfo* info = find_metric(m.metric);
    b.label = info ? info->label : m.metric;
    b.unit = info ? info->unit : "";
    b.higher_is_better = m.higher_is_better;
    b.target = m.target;
    if (m.metric == "launch__grid_size") b.target = double(std::max(1, x.blocks_per_sm)) * g.sms;  // one whole wave
    if (auto it = r.metrics.find(m.metric); it != r.metrics.end()) b.known = true, b.value = it->second.value;
    else if (auto l = launch.find(m.metric); l != launch.end()) b.known = true, b.value = l->second.value;
    bars.push_back(b);
  }
  return bars;
}

Advice advise(const RunResult& r, const GpuSpec& ran_on, const GpuSpec& reference, const AdviseOptions& o) {
  Advice a;
  RuleReport rep = evaluate_rules(r, ran_on, o.thresholds);
  a.findings = std::move(rep.findings);
  a.skipped = std::move(rep.skipped);
  a.stage = a.findings.empty() ? Stage::TileSizes : a.findings.front().stage;
  for (const auto& f : a.findings)
    if (f.id == "near_floor") a.stop = true, a.stage = Stage::Done;
  a.focus = focus_bars(r, ran_on, a.stage);
  a.suggestions = suggest(r, a.findings, ran_on, reference, o.suggest);
  if (a.stop) a.summary = "at the physical floor: keep this config";
  else if (a.findings.empty()) a.summary = "no rule fired" + std::string(a.skipped.empty() ? "" : " (collect more counters: --metrics all)");
  else a.summary = "stage: " + to_string(a.stage) + "; top finding: " + a.findings.front().title;
  return a;
}

std::string advice_text(const Advice& a) {
  std::string s = "advice      " + a.summary + "\n";
  int i = 0;
  for (const auto& f : a.findings) {
    s += "  " + std::to_string(++i) + ". [" + to_string(f.stage) + "] " + f.title + " (" + speedup_text(f) + ")\n";
    s += "     " + f.detail + "\n";
    for (const auto& c : f.checks) s += "     - " + c.text() + "\n";
    if (!f.estimate_basis.empty()) s += "     estimate: " + f.estimate_basis + "\n";
  }
  if (!a.focus.empty()) {
    s += "  focus of the stage (" + stage_info(a.stage).focus + "):\n";
    for (const auto& b : a.focus)
      s += "     " + b.label + ": " + (b.known ? format_number("%.4g", b.value) : std::string("not collected")) + " (target " +
           (b.higher_is_better ? ">= " : "<= ") + format_number("%.4g", b.target) + ")" + (b.known ? (b.met() ? " met" : " NOT met") : "") + "\n";
  }
  if (!a.suggestions.empty()) {
    s += "  next configs to try:\n";
    for (const auto& sg : a.suggestions) s += "     " + sg.name + "\n       " + sg.reason + "  [" + sg.finding + "]\n";
  }
  for (const auto& k : a.skipped) {
    std::string m;
    for (const auto& x : k.missing) m += (m.empty() ? "" : ", ") + x;
    s += "  not read: " + k.rule + " (needs " + m + ")\n";
  }
  return s;
}

std::string advice_markdown(const Advice& a) {
  std::string s = "**Advisor:** " + a.summary + "\n\n";
  if (!a.findings.empty()) {
    s += "| # | stage | finding | estimate | figures |\n|---|---|---|---|---|\n";
    int i = 0;
    for (const auto& f : a.findings) {
      std::string checks;
      for (const auto& c : f.checks) checks += (checks.empty() ? "" : "; ") + ("`" + c.text() + "`");
      s += "| " + std::to_string(++i) + " | " + to_string(f.stage) + " | " + f.title + " | " + speedup_text(f) + " | " + checks + " |\n";
    }
    s += "\n";
  }
  if (!a.suggestions.empty()) {
    s += "Next configs to try:\n\n";
    for (const auto& sg : a.suggestions) s += "- `" + sg.name + "`: " + sg.reason + "\n";
    s += "\n";
  }
  return s;
}

nlohmann::json advice_json(const Advice& a) {
  using nlohmann::json;
  json j;
  j["summary"] = a.summary;
  j["stage"] = stage_key(a.stage);
  j["stop"] = a.stop;
  j["findings"] = json::array();
  for (const auto& f : a.findings) {
    json c = json::array();
    for (const auto& k : f.checks) c.push_back({{"metric", k.metric}, {"value", k.value}, {"op", k.op}, {"threshold", k.threshold}, {"unit", k.unit}});
    j["findings"].push_back({{"id", f.id},
                             {"title", f.title},
                             {"detail", f.detail},
                             {"stage", stage_key(f.stage)},
                             {"estimated_speedup", f.estimated_speedup},
                             {"estimate_basis", f.estimate_basis},
                             {"checks", c}});
  }
  j["focus"] = json::array();
  for (const auto& b : a.focus)
    j["focus"].push_back({{"metric", b.metric}, {"known", b.known}, {"value", b.value}, {"target", b.target},
                          {"higher_is_better", b.higher_is_better}, {"met", b.met()}});
  j["suggestions"] = json::array();
  for (const auto& sg : a.suggestions) {
    json ch = json::array();
    for (const auto& c : sg.changes) ch.push_back({{"param", c.param}, {"from", c.from}, {"to", c.to}});
    j["suggestions"].push_back({{"config_name", sg.name}, {"config", to_json(sg.config)}, {"finding", sg.finding}, {"reason", sg.reason}, {"changes", ch}});
  }
  j["not_read"] = json::array();
  for (const auto& k : a.skipped) j["not_read"].push_back({{"rule", k.rule}, {"missing", k.missing}});
  return j;
}

}  // namespace gemmscope
