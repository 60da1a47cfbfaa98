// History panel: the results store, filtered; pin a run as baseline and read every other run as
// a difference from it; select runs for the roofline comparison; apply a stored config.
#include <cstdio>
#include <cstring>
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
void speedup_cell(const RunResult& r, const RunResult* base) {
  if (!base || !(r.config.shape == base->config.shape)) {
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
    if (!asked_) refresh(c), asked_ = true;
    draw_filters(s, c);
    const RunResult* base = s.baseline ? s.find_run(*s.baseline) : nullptr;
    if (base) ImGui::Text("Baseline: #%lld %s, %s, %.2f TFLOP/s (speed-ups compare runs of %s only)", (long long)base->id,
                          base->config_name.c_str(), short_time(base->ms_median).c_str(), base->tflops,
                          problem_name(base->config.shape).c_str());
    else ImGui::TextColored(kGrey, "No baseline pinned: pin a run to read the others as differences from it.");
    draw_table(s, c, base);
  }

 private:
  void refresh(RunSession& c) {
    StoreQuery q;
    q.newest_first = true;
    q.family = family_;
    q.problem = problem_;
    q.sweep = tag_;
    q.passed_only = passed_only_;
    q.limit = limit_;
    c.query_history(q);
  }

  void draw_filters(AppState& s, RunSession& c) {
    bool changed = false;
    ImGui::SetNextItemWidth(150);
    if (ImGui::BeginCombo("family", family_.empty() ? "any" : family_.c_str())) {
      if (ImGui::Selectable("any", family_.empty())) family_.clear(), changed = true;
      for (const auto& n : family_names())
        if (ImGui::Selectable(n.c_str(), n == family_)) family_ = n, changed = true;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    if (ImGui::BeginCombo("problem", problem_.empty() ? "any" : problem_.c_str())) {
      for (const char* p : {"", "p9", "p6"})
        if (ImGui::Selectable(*p ? p : "any", problem_ == p)) problem_ = p, changed = true;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(150);
    if (ImGui::BeginCombo("sweep", tag_.empty() ? "any" : tag_.c_str())) {
      if (ImGui::Selectable("any", tag_.empty())) tag_.clear(), changed = true;
      for (const auto& t : s.sweep_tags)
        if (ImGui::Selectable(t.c_str(), t == tag_)) tag_ = t, changed = true;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    changed |= ImGui::Checkbox("passed only", &passed_only_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(70);
    ImGui::InputInt("limit", &limit_, 0, 0);
    changed |= ImGui::IsItemDeactivatedAfterEdit();
    ImGui::SameLine();
    if (ImGui::Button("Refresh") || changed) refresh(c);
    // New runs land in the store; re-query when their count changes so the list stays current.
    const size_t seen = s.live_runs.size() + s.sweep_results.size();
    if (seen != seen_runs_ && !s.sweep_running) seen_runs_ = seen, refresh(c);
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
    ImGuiListClipper clipper;
    clipper.Begin(int(s.history.size()));
    while (clipper.Step())
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const RunResult& r = s.history[size_t(i)];
        ImGui::PushID(i);
        ImGui::TableNextRow();
        if (base && r.id == base->id) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(60, 60, 20, 255));
        ImGui::TableNextColumn();
        bool sel = s.selected.count(r.id) > 0;
        if (ImGui::Checkbox("##sel", &sel)) {
          if (sel) s.selected.insert(r.id);
          else s.selected.erase(r.id);
        }
        ImGui::TableNextColumn(), ImGui::Text("%lld", (long long)r.id);
        ImGui::TableNextColumn(), cell(r.config_name);
        ImGui::TableNextColumn(), cell(r.device);
        ImGui::TableNextColumn();
        disposition_cell(r);
        ImGui::TableNextColumn(), ImGui::TextUnformatted(short_time(r.ms_median).c_str());
        ImGui::TableNextColumn();
        if (r.ms_median > 0) ImGui::Text("%.2f", r.tflops);
        else ImGui::TextUnformatted("-");  // not timed: no figure, never a zero
        ImGui::TableNextColumn(), speedup_cell(r, base);
        ImGui::TableNextColumn(), version_cell(r, version_speedup_[size_t(i)]);
        ImGui::TableNextColumn(), cell(r.created_at);
        ImGui::TableNextColumn();
        if (ImGui::SmallButton(base && r.id == base->id ? "unpin" : "pin")) {
          const bool unpin = base && r.id == base->id;
          s.baseline = unpin ? std::nullopt : std::optional<int64_t>(r.id);
          c.set_baseline(s.baseline);
        }
        ImGui::SameLine();
        ImGui::BeginDisabled(s.sweep_running);
        if (ImGui::SmallButton("apply")) s.apply(r.config, c);
        ImGui::EndDisabled();
        ImGui::PopID();
      }
    ImGui::EndTable();
  }

  // A card's run against the newest older run of the same config from another version of the card
  // (the save before): computed when the rows change, not every frame.
  void update_versions(const AppState& s) {
    const int64_t key = s.history.empty() ? 0 : s.history.front().id * 1000003 + int64_t(s.history.size());
    if (key == versions_key_ && version_speedup_.size() == s.history.size()) return;
    versions_key_ = key;
    version_speedup_.assign(s.history.size(), 0.0);
    for (size_t i = 0; i < s.history.size(); ++i) {  // newest first: older rows come later
      const RunResult& r = s.history[i];
      if (r.card_hash.empty() || !passed(r)) continue;
      for (size_t j = i + 1; j < s.history.size(); ++j) {
        const RunResult& o = s.history[j];
        if (o.config_name == r.config_name && o.card_hash != r.card_hash && passed(o) && o.ms_median > 0) {
          version_speedup_[i] = o.ms_median / r.ms_median;
          break;
        }
      }
    }
  }

  static void version_cell(const RunResult& r, double speedup) {
    if (r.card_hash.empty()) {
      ImGui::TextColored(kGrey, "-");
      return;
    }
    if (speedup > 0)
      ImGui::TextColored(speedup > 1.005 ? kGreen : speedup < 0.995 ? kRed : kGrey, "%s %.2fx", r.card_hash.substr(0, 8).c_str(), speedup);
    else
      ImGui::TextUnformatted(r.card_hash.substr(0, 8).c_str());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(speedup > 0 ? "card version %s: %.3fx the previous version of this config" : "card version %s", r.card_hash.c_str(), speedup);
  }

  std::vector<double> version_speedup_;
  int64_t versions_key_ = -1;
  bool asked_ = false, passed_only_ = false;
  std::string family_, problem_, tag_;
  int limit_ = 500;
  size_t seen_runs_ = 0;
};

}  // namespace

std::unique_ptr<Panel> make_history_panel() { return std::make_unique<HistoryPanel>(); }

}  // namespace gemmscope
