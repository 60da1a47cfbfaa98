// advise(): the advisor's whole reading of one run, the one every printer uses (the CLI's
// --advise, the GUI's Advisor panel, reports, the JSON export): ranked findings, the stage they
// point to with its focus metrics against their targets, and the next configs to try.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/advisor/finding.h"
#include "model/advisor/rules.h"
#include "model/advisor/stages.h"
#include "model/advisor/suggestions.h"

namespace gemmscope {

// One focus metric of the stage against its target, as a bar.
struct FocusBar {
  std::string metric, label, unit;
  bool known = false;      // the run has the figure
  double value = 0, target = 0;
  bool higher_is_better = true;
  bool met() const { return known && (higher_is_better ? value >= target : value <= target); }
};

struct Advice {
  std::vector<Finding> findings;    // ranked
  std::vector<RuleSkip> skipped;
  Stage stage = Stage::TileSizes;   // the top finding's; the seed's first stage when nothing fired
  std::vector<FocusBar> focus;
  std::vector<Suggestion> suggestions;
  bool stop = false;                // at the floor: keep this config
  std::string summary;              // one line
};

struct AdviseOptions {
  RuleThresholds thresholds;
  SuggestOptions suggest;
};

// ran_on: the spec of the GPU the run ran on; reference: suggestions must be valid there too.
Advice advise(const RunResult&, const GpuSpec& ran_on, const GpuSpec& reference, const AdviseOptions& = {});
std::vector<FocusBar> focus_bars(const RunResult&, const GpuSpec& ran_on, Stage);

std::string advice_text(const Advice&);      // the CLI's, plain lines
std::string advice_markdown(const Advice&);  // reports
nlohmann::json advice_json(const Advice&);   // the JSON export and reports

}  // namespace gemmscope
