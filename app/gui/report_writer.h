// Report folders: PNGs of the window and panels, report.md and report.html (configs, figures,
// device and reference specs, frame times), results.csv and results.json via export_runs().
// Taking the screenshots spans frames (a panel must be brought to front and drawn before it is
// read back), so a report is a small job advanced once per frame by step_report().
#pragma once
#include <future>
#include <string>
#include <vector>
#include "app/gui/app_state.h"

namespace gemmscope {


// Advances the job (AppState::report) by one frame: focus the next panel, capture it a few frames later, then
// write the documents and start the results' export; done when that has finished. Call before the
// panels are drawn. True when this frame wrote the documents (a frame the UI's frame times leave out).
bool step_report(ReportJob&, AppState&);

// Writes report.md, report.html, config.json, gpus.json into `dir`, listing `pngs`.
bool write_report(const std::string& dir, const std::string& title, const AppState&, const std::vector<std::string>& pngs,
                  const std::string& preset_json, std::string& error);
// results.csv and results.json of AppState::session_runs() into `dir`, on a worker thread (a 100k-point
// sweep's runs are read back from the store): "" once written, else why not.
std::shared_future<std::string> start_results_export(const std::string& dir, const AppState&);

}  // namespace gemmscope
