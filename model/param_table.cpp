#include "model/param_table.h"

#include <algorithm>
#include <stdexcept>

namespace gemmscope {

bool ParamDecl::offers(int v) const {
  if (is_range()) return v >= min && v <= max;
  return std::find(values.begin(), values.end(), v) != values.end();
}

std::string ParamDecl::format(int v) const {
  for (const auto& [value, label] : labels)
    if (value == v) return label;
  return std::to_string(v);
}

std::optional<int> ParamDecl::parse(const std::string& text) const {
  if (!labels.empty()) {
    for (const auto& [value, label] : labels)
      if (label == text) return value;
    if (kind == ParamKind::Bool) {
      if (text == "true" || text == "1") return 1;
      if (text == "false" || text == "0") return 0;
    }
    return std::nullopt;
  }
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used == 0 || used != text.size() || v < -2147483647LL || v > 2147483647LL) return std::nullopt;
  return int(v);
}

std::string ParamDecl::offered_text() const {
  if (is_range()) return std::to_string(min) + ".." + std::to_string(max);
  std::string s;
  for (int v : values) s += (s.empty() ? "" : ", ") + format(v);
  return s;
}

ParamDecl integer_param(std::string name, std::vector<int> values, int default_value, std::vector<int> sweep,
                        std::string fragment, std::string description) {
  ParamDecl d;
  d.name = std::move(name);
  d.values = std::move(values);
  d.default_value = default_value;
  d.sweep = std::move(sweep);
  d.fragment = std::move(fragment);
  d.description = std::move(description);
  return d;
}

ParamDecl pow2_param(std::string name, std::vector<int> values, int default_value, std::vector<int> sweep,
                     std::string fragment, std::string description) {
  ParamDecl d = integer_param(std::move(name), std::move(values), default_value, std::move(sweep), std::move(fragment),
                              std::move(description));
  d.power_of_two = true;
  return d;
}

ParamDecl range_param(std::string name, int min, int max, int default_value, std::vector<int> sweep, std::string fragment,
                      std::string description) {
  ParamDecl d = integer_param(std::move(name), {}, default_value, std::move(sweep), std::move(fragment), std::move(description));
  d.min = min;
  d.max = max;
  return d;
}

ParamDecl enum_param(std::string name, std::vector<std::pair<int, std::string>> labels, std::vector<int> values,
                     int default_value, std::vector<int> sweep, std::string fragment, std::string description) {
  ParamDecl d = integer_param(std::move(name), std::move(values), default_value, std::move(sweep), std::move(fragment),
                              std::move(description));
  d.kind = ParamKind::Enum;
  d.labels = std::move(labels);
  return d;
}

const ParamDecl* find_param(const ParamTable& t, const std::string& name) {
  for (const auto& d : t)
    if (d.name == name) return &d;
  return nullptr;
}

std::string param_names(const ParamTable& t) {
  std::string s;
  for (const auto& d : t) s += (s.empty() ? "" : ", ") + d.name;
  return s;
}

int ParamValues::get(const std::string& name) const {
  if (auto v = find(name)) return *v;
  throw std::out_of_range("parameter '" + name + "' is not set in this config");
}

std::optional<int> ParamValues::find(const std::string& name) const {
  for (const auto& [n, v] : items_)
    if (n == name) return v;
  return std::nullopt;
}

void ParamValues::set(const std::string& name, int value) {
  for (auto& [n, v] : items_)
    if (n == name) {
      v = value;
      return;
    }
  items_.emplace_back(name, value);
}

}  // namespace gemmscope
