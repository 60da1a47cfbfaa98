// The one list of panels, in the order of the View menu.
#include <cctype>
#include <string>

#include "app/gui/panel.h"

namespace gemmscope {

std::unique_ptr<Panel> make_workload_panel();
std::unique_ptr<Panel> make_live_panel();
std::unique_ptr<Panel> make_roofline_panel();
std::unique_ptr<Panel> make_sweep_panel();
std::unique_ptr<Panel> make_history_panel();
std::unique_ptr<Panel> make_advisor_panel();
std::unique_ptr<Panel> make_compare_panel();
std::unique_ptr<Panel> make_report_panel();

std::vector<std::unique_ptr<Panel>> make_panels() {
  std::vector<std::unique_ptr<Panel>> v;
  v.push_back(make_workload_panel());
  v.push_back(make_live_panel());
  v.push_back(make_roofline_panel());
  v.push_back(make_sweep_panel());
  v.push_back(make_history_panel());
  v.push_back(make_advisor_panel());
  v.push_back(make_compare_panel());
  v.push_back(make_report_panel());
  return v;
}

std::string panel_key(const char* title) {
  std::string key;
  for (const char* c = title; *c; ++c) key += char(std::tolower(static_cast<unsigned char>(*c)));
  return key;
}

}  // namespace gemmscope
