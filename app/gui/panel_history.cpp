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

const ImVec4 kGrey(0.55f, 0.55f, 0.55f, 1.0f);

// "+12.3 %" coloured by whether the change is an improvement.
void delta_cell(double value, double base, bool higher_is_better) {
  if (!(base > 0) || !(value > 0)) {
    ImGui::TextColored(kGrey, "-");
    return;
  }
  const double pct = 100.0 * (value - base) / base;
  const bool better = higher_is_better ? pct > 0.5 : pct < -0.5;
  const bool worse = higher_is_better ? pct < -0.5 : pct > 0.5;
  ImGui::TextColored(better ? kGreen : worse ? kRed : kGrey, "%+.1f %%", pct);
}

class HistoryPanel final : public Panel {
 public:
  const char* title() const override { return "History"; }

  void draw(AppState& s, GuiController& c) override {
    if (!c.store_open()) {
      ImGui::TextColored(kGrey, "No results store open (%s).", c.store_path().empty() ? "none given" : c.store_path().c_str());
      return;
    }
    if (!asked_) refresh(c), asked_ = true;
    draw_filters(s, c);
    const RunResult* base = s.baseline ? s.find_run(*s.baseline) : nullptr;
    if (base) ImGui::Text("Baseline: #%lld %s, %s, %.2f TFLOP/s", (long long)base->id, base->config_name.c_str(),
                          short_time(base->ms_median).c_str(), base->tflops);
    else ImGui::TextColored(kGrey, "No baseline pinned: pin a run to read the others as differences from it.");
    draw_table(s, c, base);
  }

 private:
  void refresh(GuiController& c) {
    StoreQuery q;
    q.family = family_;
    q.problem = problem_;
    q.sweep = tag_;
    q.passed_only = passed_only_;
    q.limit = limit_;
    c.query_history(q);
  }

  void draw_filters(AppState& s, GuiController& c) {
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

  void draw_table(AppState& s, GuiController& c, const RunResult* base) {
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("history", 11, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* h : {"sel", "id", "config", "device", "result", "time", "TFLOP/s", "d time", "d TFLOP/s", "when", ""})
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
        ImGui::TableNextColumn(), ImGui::TextUnformatted(r.config_name.c_str());
        ImGui::TableNextColumn(), ImGui::TextUnformatted(r.device.c_str());
        ImGui::TableNextColumn();
        disposition_cell(r);
        ImGui::TableNextColumn(), ImGui::TextUnformatted(short_time(r.ms_median).c_str());
        ImGui::TableNextColumn(), ImGui::Text("%.2f", r.tflops);
        ImGui::TableNextColumn(), delta_cell(r.ms_median, base ? base->ms_median : 0, false);
        ImGui::TableNextColumn(), delta_cell(r.tflops, base ? base->tflops : 0, true);
        ImGui::TableNextColumn(), ImGui::TextUnformatted(r.created_at.c_str());
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

  bool asked_ = false, passed_only_ = false;
  std::string family_, problem_, tag_;
  int limit_ = 500;
  size_t seen_runs_ = 0;
};

}  // namespace

std::unique_ptr<Panel> make_history_panel() { return std::make_unique<HistoryPanel>(); }

}  // namespace gemmscope
