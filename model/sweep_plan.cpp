#include "model/sweep_plan.h"

#include <sstream>
#include <stdexcept>

#include "model/run_result.h"
#include "model/validate.h"

namespace gemmscope {

std::string SweepPoint::reason() const {
  std::string s;
  for (const auto& e : errors) s += (s.empty() ? "" : "; ") + e.message();
  return s;
}

void for_each_point(const SweepPlan& plan, const GpuSpec& spec, const std::function<bool(SweepPoint&&)>& visit) {
  if (!plan.points.empty()) {
    for (const KernelConfig& c : plan.points)
      if (!visit({c, validate(c, spec).errors})) return;
    return;
  }
  const FamilyPtr f = find_family(plan.base.family);
  for (const auto& [name, values] : plan.axes) {
    if (values.empty()) throw std::invalid_argument("sweep axis " + name + " has no values");
    if (f && !find_param(f->params(), name))
      throw std::invalid_argument("sweep axis " + name + " is not a parameter of family " + f->name() + " (" +
                                  param_names(f->params()) + ")");
  }
  std::vector<size_t> idx(plan.axes.size(), 0);
  for (;;) {
    KernelConfig c = plan.base;
    for (size_t a = 0; a < plan.axes.size(); ++a) c.set(plan.axes[a].first, plan.axes[a].second[idx[a]]);
    Validation v = validate(c, spec);
    if (!visit({std::move(c), std::move(v.errors)})) return;
    // Odometer over the axes, last axis fastest.
    size_t a = plan.axes.size();
    while (a > 0) {
      --a;
      if (++idx[a] < plan.axes[a].second.size()) break;
      idx[a] = 0;
      if (a == 0) return;
    }
    if (plan.axes.empty()) return;
  }
}

std::vector<SweepPoint> expand(const SweepPlan& plan, const GpuSpec& spec) {
  std::vector<SweepPoint> points;
  points.reserve(point_count(plan));
  for_each_point(plan, spec, [&](SweepPoint&& p) {
    points.push_back(std::move(p));
    return true;
  });
  return points;
}

size_t point_count(const SweepPlan& plan) {
  if (!plan.points.empty()) return plan.points.size();
  size_t n = 1;
  for (const auto& [name, values] : plan.axes) n *= values.size();
  return n;
}

std::pair<std::string, std::vector<int>> parse_axis(const std::string& text, const KernelFamily& f) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw std::invalid_argument("axis '" + text + "': expected name=v1,v2,..., name=lo..hi (powers of two) or name=lo..hi:step");
  const std::string name = text.substr(0, eq);
  const ParamDecl* d = find_param(f.params(), name);
  if (!d)
    throw std::invalid_argument("axis '" + text + "': " + name + " is not a parameter of family " + f.name() + " (" +
                                param_names(f.params()) + ")");
  const std::string values = text.substr(eq + 1);
  auto value = [&](const std::string& item) {
    if (auto v = d->parse(item)) return *v;
    throw std::invalid_argument("axis '" + text + "': '" + item + "' is not a value of " + name +
                                (d->labels.empty() ? " (an integer)" : " (" + d->offered_text() + ")"));
  };
  std::vector<int> out;
  if (auto dots = values.find(".."); dots != std::string::npos) {
    std::string hi_text = values.substr(dots + 2);
    int step = 0;
    if (auto colon = hi_text.find(':'); colon != std::string::npos) {
      step = value(hi_text.substr(colon + 1));
      hi_text = hi_text.substr(0, colon);
      if (step < 1) throw std::invalid_argument("axis '" + text + "': the step must be at least 1");
    }
    const int lo = value(values.substr(0, dots)), hi = value(hi_text);
    if (lo > hi) throw std::invalid_argument("axis '" + text + "': a range runs from low to high");
    if (step > 0) {
      if ((int64_t(hi) - lo) / step >= 100000) throw std::invalid_argument("axis '" + text + "': more than 100000 values");
      for (int64_t v = lo; v <= hi; v += step) out.push_back(int(v));
      return {name, out};
    }
    if (!is_pow2(lo) || !is_pow2(hi))
      throw std::invalid_argument("axis '" + text + "': a range without a step runs between powers of two (or add :STEP)");
    for (int64_t v = lo; v <= hi; v *= 2) out.push_back(int(v));
    return {name, out};
  }
  std::stringstream in(values);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(value(item));
  if (out.empty()) throw std::invalid_argument("axis '" + text + "' has no values");
  return {name, out};
}

std::string default_sweep_tag(const KernelConfig& c) { return c.family + "@" + problem_name(c.shape) + "@" + utc_now(); }

}  // namespace gemmscope
