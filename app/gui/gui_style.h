// The GUI's shared colours and the small widgets several panels draw the same way.
#pragma once
#include <string>

#include "imgui.h"
#include "app/gui/run_figures.h"
#include "app/gui/sweep_rows.h"
#include "model/metric_catalog.h"

namespace gemmscope {

inline const ImVec4 kRed(1.0f, 0.35f, 0.3f, 1.0f);
inline const ImVec4 kGreen(0.4f, 0.85f, 0.4f, 1.0f);
inline const ImVec4 kGrey(0.55f, 0.55f, 0.55f, 1.0f);   // notes and hints beside figures
inline const ImVec4 kAmber(1.0f, 0.75f, 0.2f, 1.0f);   // the advisor's findings and the guided path

// A run's disposition as a table cell: "passed", or the failure in red with its reason on hover.
inline void disposition_cell(const SweepRow& r) {
  if (r.passed()) ImGui::TextUnformatted("passed");
  else ImGui::TextColored(kRed, "%s", to_string(r.disposition).c_str());
  if (!r.reason.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.reason.c_str());
}

// A table cell's text, with the whole of it on hover when the column is too narrow to show it.
inline void cell(const std::string& text, ImVec4 colour = ImVec4(0, 0, 0, 0)) {
  if (colour.w > 0) ImGui::TextColored(colour, "%s", text.c_str());
  else ImGui::TextUnformatted(text.c_str());
  if (ImGui::IsItemHovered() && ImGui::CalcTextSize(text.c_str()).x > ImGui::GetColumnWidth()) ImGui::SetTooltip("%s", text.c_str());
}

// On hover of the last item: a metric's Nsight Compute name, unit and meaning from the catalogue.
inline void metric_tooltip(const std::string& name) {
  if (!ImGui::IsItemHovered()) return;
  if (const MetricInfo* m = find_metric(name))
    ImGui::SetTooltip("%s\nunit: %s%s\n%s", m->name.c_str(), m->unit.c_str(), m->pct_of_peak ? " of peak" : "", m->description.c_str());
  else
    ImGui::SetTooltip("%s", name.c_str());
}

}  // namespace gemmscope
