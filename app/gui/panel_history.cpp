// History panel: the results store, filtered by indexed queries and paged: the table holds the
// count and the few pages of light rows near the screen (AppState::HistoryPages), never the
// whole store. Pin a run as baseline and read every other run as a difference from it; select
// runs for the roofline comparison; apply a stored config.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <string>

#include "imgui.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "model/kernel_family.h"

namespace gemmscope {
namespace {

// The speed-up over the baseline as "1.23x" (above 1 is faster), coloured by whether it is an
// improvement; only for a run of the baseline's own problem: other work does not compare.
void speedup_cell(const RunRow& r, const RunResult* base) {
  if (!base || r.problem != problem_name(base->config.shape)) {
    ImGui::TextColored(kGrey, "-");
    if (base && ImGui::IsItemHovered()) ImGui::SetTooltip("another problem than the baseline's: not compared");
    return;
  }
  if (!(base->ms_median > 0) || !(r.ms_median > 0)) {
    ImGui::TextColored(kGrey, "-");
    return;
  }
  const double x = base->ms_median / r.ms_median;
  ImGui::TextColored(x > 1.005 ? kGreen : x < 0.995 ? kRed : kGrey, "%.2fx", x);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("baseline time / this run's time: %s / %s", short_time(base->ms_median).c_str(), short_time(r.ms_median).c_str());
}

void disposition_cell(const RunRow& r) {
  if (r.disposition == Disposition::Passed) ImGui::TextUnformatted("passed");
  else ImGui::TextColored(kRed, "%s", to_string(r.disposition).c_str());
  if (!r.reason.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.reason.c_str());
}

// What the store compares as text: an ISO-8601 date or a prefix of one ("" is an open end).
bool valid_date(const char* d) {
  return !*d || (std::isdigit(static_cast<unsigned char>(d[0])) && std::strspn(d, "0123456789-:.TZ+") == std::strlen(d));
}

// A combo of the values a filter offers; "any" clears it. True when the choice changed.
bool filter_combo(const char* label, float width, std::string& value, const std::vector<std::string>& values) {
  bool changed = false;
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo(label, value.empty() ? "any" : value.c_str())) {
    if (ImGui::Selectable("any", value.empty())) value.clear(), changed = true;
    for (const auto& v : values)
      if (ImGui::Selectable(v.c_str(), v == value)) value = v, changed = true;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  return changed;
}

class HistoryPanel final : public Panel {
 public:
  const char* title() const override { return "History"; }

  void draw(AppState& s, RunSession& c) override {
    if (!s.store.open) {
      if (!s.store.known) ImGui::TextColored(kGrey, "Opening the results store...");
      else if (s.store.error.empty()) ImGui::TextColored(kGrey, "No results store open: runs are kept in memory only.");
      else {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("The results store could not be opened: %s", s.store.error.c_str());
        ImGui::PopStyleColor();
      }
      if (ImGui::Button("Open another store...")) s.show_open_store = true;
      asked_ = false;
      return;
    }
    if (!asked_ || s.history_pages.view != view_) refresh(s, c), asked_ = true;
    draw_filters(s, c);
    if (apply_pending_) {
      if (const RunResult* r = s.find_run(*apply_pending_)) s.apply(r->config, c), apply_pending_.reset();
    }
    if (s.baseline) s.fetch_stored_run(*s.baseline, c);
    const RunResult* base = s.baseline ? s.find_run(*s.baseline) : nullptr;
    if (base) ImGui::Text("Baseline: #%lld %s, %s, %.2f TFLOP/s (speed-ups compare runs of %s only)", (long long)base->id,
                          base->config_name.c_str(), short_time(base->ms_median).c_str(), base->tflops,
                          problem_name(base->config.shape).c_str());
    else if (s.baseline) ImGui::TextColored(kGrey, "Baseline: #%lld (reading it from the store...)", (long long)*s.baseline);
    else ImGui::TextColored(kGrey, "No baseline pinned: pin a run to read the others as differences from it.");
    if (s.history_pages.total) ImGui::TextColored(kGrey, "%lld runs match, newest first", (long long)*s.history_pages.total);
    else ImGui::TextColored(kGrey, "counting the runs that match...");
    draw_table(s, c, base);
  }

 private:
  StoreQuery filter() const {
    StoreQuery q;
    q.newest_first = true;
    q.family = family_;
    q.problem = problem_;
    q.device = device_;
    q.sweep = tag_;
    q.card = card_;
    q.from = from_;
    q.to = to_;
    q.passed_only = passed_only_;
    return q;
  }

  // A new view of the table (count and first page), and the newest `limit_` whole runs for the
  // roofline and the selection.
  void refresh(AppState& s, RunSession& c) {
    const StoreQuery q = filter();
    s.history_pages.reset(q, c);
    view_ = s.history_pages.view;
    StoreQuery whole = q;
    whole.limit = limit_;
    c.query_history(whole);
  }

  void draw_filters(AppState& s, RunSession& c) {
    bool changed = false;
    changed |= filter_combo("family", 150, family_, family_names());
    std::vector<std::string> problems = {"p9", "p6"};
    for (const auto& p : s.store_problems)
      if (p != "p9" && p != "p6") problems.push_back(p);
    changed |= filter_combo("problem", 110, problem_, problems);
    changed |= filter_combo("device", 170, device_, s.store_devices);
    changed |= filter_combo("sweep", 150, tag_, s.sweep_tags);
    changed |= filter_combo("card", 120, card_, s.store_cards);
    ImGui::NewLine();
    changed |= date_input("from", from_buf_, from_);
    changed |= date_input("to", to_buf_, to_);
    changed |= ImGui::Checkbox("passed only", &passed_only_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(70);
    ImGui::InputInt("plotted", &limit_, 0, 0);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the newest runs of the filter read whole, for the roofline and the selection");
    if (ImGui::IsItemDeactivatedAfterEdit()) limit_ = std::clamp(limit_, 1, 5000), changed = true;
    ImGui::SameLine();
    if (ImGui::Button("Refresh") || changed) refresh(s, c);
    // New runs land in the store; re-query when their count changes so the list stays current.
    const size_t seen = s.live_runs.size() + s.sweep.size();
    if (seen != seen_runs_ && !s.sweep_running) seen_runs_ = seen, refresh(s, c);
  }

  // A date bound typed as text; it applies when editing ends and only when the store can compare it.
  static bool date_input(const char* label, char (&buf)[32], std::string& value) {
    const bool ok = valid_date(buf);
    if (!ok) ImGui::PushStyleColor(ImGuiCol_Text, kRed);
    ImGui::SetNextItemWidth(95);
    ImGui::InputTextWithHint(label, "YYYY-MM-DD", buf, sizeof buf);
    if (!ok) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(ok ? "an ISO-8601 date or prefix (2026-12-01, 2026-12-01T10); 'to' includes the whole of it"
                           : "not an ISO-8601 date: digits, '-', ':' and 'T' only (2026-12-01)");
    ImGui::SameLine();
    if (!ImGui::IsItemDeactivatedAfterEdit() || !valid_date(buf) || value == buf) return false;
    value = buf;
    return true;
  }

  void draw_table(AppState& s, RunSession& c, const RunResult* base) {
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("history", 11, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    update_versions(s);
    for (const char* h : {"sel", "id", "config", "device", "result", "time", "TFLOP/s", "speed-up (x)", "card version", "when (UTC)", ""})
      ImGui::TableSetupColumn(h, std::strcmp(h, "config") == 0 ? ImGuiTableColumnFlags_WidthStretch : 0);
    ImGui::TableHeadersRow();
    auto& pages = s.history_pages;
    ImGuiListClipper clipper;
    clipper.Begin(int(pages.shown_rows()));
    int64_t shown_from = -1, shown_to = 0;
    while (clipper.Step()) {
      if (shown_from < 0 || clipper.DisplayStart < shown_from) shown_from = clipper.DisplayStart;
      shown_to = std::max<int64_t>(shown_to, clipper.DisplayEnd);
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        ImGui::TableNextRow();
        const RunRow* r = pages.row(i);
        if (!r) {
          ImGui::TableNextColumn(), ImGui::TableNextColumn(), ImGui::TextColored(kGrey, "...");
          continue;
        }
        draw_row(s, c, *r, base);
      }
    }
    ImGui::EndTable();
    // Only the pages on screen (and a few rows past them) are asked for, and only once.
    if (shown_from >= 0) pages.need(shown_from, std::min(pages.shown_rows(), shown_to + 20), c);
  }

  void draw_row(AppState& s, RunSession& c, const RunRow& r, const RunResult* base) {
    ImGui::PushID(static_cast<int>(r.id));
    const bool is_base = base && r.id == base->id;
    if (is_base) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(60, 60, 20, 255));
    ImGui::TableNextColumn();
    bool sel = s.selected.count(r.id) > 0;
    if (ImGui::Checkbox("##sel", &sel)) {
      if (sel) s.selected.insert(r.id), s.fetch_stored_run(r.id, c);  // the roofline and Compare read the whole run
      else s.selected.erase(r.id);
    }
    ImGui::TableNextColumn(), ImGui::Text("%lld", (long long)r.id);
    ImGui::TableNextColumn(), cell(r.config_name);
    ImGui::TableNextColumn(), cell(r.device);
    ImGui::TableNextColumn(), disposition_cell(r);
    ImGui::TableNextColumn(), ImGui::TextUnformatted(short_time(r.ms_median).c_str());
    ImGui::TableNextColumn();
    if (r.ms_median > 0) ImGui::Text("%.2f", r.tflops);
    else ImGui::TextUnformatted("-");  // not timed: no figure, never a zero
    ImGui::TableNextColumn(), speedup_cell(r, base);
    ImGui::TableNextColumn(), version_cell(r, version_speedup_.count(r.id) ? version_speedup_.at(r.id) : 0.0);
    ImGui::TableNextColumn(), cell(r.created_at);
    ImGui::TableNextColumn();
    if (ImGui::SmallButton(is_base ? "unpin" : "pin")) {
      s.baseline = is_base ? std::nullopt : std::optional<int64_t>(r.id);
      c.set_baseline(s.baseline);
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(s.sweep_running);
    if (ImGui::SmallButton("apply")) {
      if (const RunResult* full = s.find_run(r.id)) s.apply(full->config, c);
      else s.fetch_stored_run(r.id, c), apply_pending_ = r.id;  // applied when the whole run comes
    }
    ImGui::EndDisabled();
    ImGui::PopID();
  }

  // A card's run against the newest older run of the same config from another version of the card
  // (the save before), over the whole runs read for the roofline (the newest `limit_`): computed
  // when those change, not every frame.
  void update_versions(const AppState& s) {
    const int64_t key = s.history.empty() ? 0 : s.history.front().id * 1000003 + int64_t(s.history.size());
    if (key == versions_key_) return;
    versions_key_ = key;
    version_speedup_.clear();
    for (size_t i = 0; i < s.history.size(); ++i) {  // newest first: older rows come later
      const RunResult& r = s.history[i];
      if (r.card_hash.empty() || !passed(r)) continue;
      for (size_t j = i + 1; j < s.history.size(); ++j) {
        const RunResult& o = s.history[j];
        if (o.config_name == r.config_name && o.card_hash != r.card_hash && passed(o) && o.ms_median > 0) {
          version_speedup_[r.id] = o.ms_median / r.ms_median;
          break;
        }
      }
    }
  }

  static void version_cell(const RunRow& r, double speedup) {
    if (r.card.empty()) {
      ImGui::TextColored(kGrey, "-");
      return;
    }
    if (speedup > 0)
      ImGui::TextColored(speedup > 1.005 ? kGreen : speedup < 0.995 ? kRed : kGrey, "%s %.2fx", r.card.substr(0, 8).c_str(), speedup);
    else
      ImGui::TextUnformatted(r.card.substr(0, 8).c_str());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(speedup > 0 ? "card version %s: %.3fx the previous version of this config" : "card version %s", r.card.c_str(), speedup);
  }

  std::map<int64_t, double> version_speedup_;
  int64_t versions_key_ = -1;
  bool asked_ = false, passed_only_ = false;
  std::string family_, problem_, device_, tag_, card_, from_, to_;
  char from_buf_[32] = "", to_buf_[32] = "";
  int limit_ = 500;
  size_t seen_runs_ = 0;
  uint64_t view_ = 0;
  std::optional<int64_t> apply_pending_;
};

}  // namespace

std::unique_ptr<Panel> make_history_panel() { return std::make_unique<HistoryPanel>(); }

}  // namespace gemmscope
