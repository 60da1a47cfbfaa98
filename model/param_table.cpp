#include "model/param_table.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace gemmscope {

namespace {
constexpr std::pair<ParamRole, const char*> kRoleWords[] = {
    {ParamRole::Other, "other"},       {ParamRole::TileM, "tile_m"},       {ParamRole::TileN, "tile_n"},
    {ParamRole::TileK, "tile_k"},      {ParamRole::SplitK, "split_k"},     {ParamRole::Stages, "stages"},
    {ParamRole::Threads, "threads"},   {ParamRole::Warps, "warps"},        {ParamRole::ThreadM, "thread_m"},
    {ParamRole::ThreadN, "thread_n"},  {ParamRole::Precision, "precision"}, {ParamRole::Swizzle, "swizzle"},
    {ParamRole::GridOrder, "grid_order"}, {ParamRole::Reduction, "reduction"},
};
}  // namespace

std::string to_string(ParamRole r) {
  for (const auto& [role, word] : kRoleWords)
    if (role == r) return word;
  return "other";
}

std::optional<ParamRole> parse_role(const std::string& w) {
  for (const auto& [role, word] : kRoleWords)
    if (w == word) return role;
  return std::nullopt;
}

std::string role_words() {
  std::string s;
  for (const auto& [role, word] : kRoleWords) s += (s.empty() ? "" : ", ") + std::string(word);
  return s;
}

ParamRole role_for_name(const std::string& name) {
  // Lower case without '_': BLOCK_SIZE_M, block_m and BlockM all read "blockm" once "size" goes.
  std::string n;
  for (char c : name)
    if (c != '_') n += char(std::tolower(static_cast<unsigned char>(c)));
  if (auto p = n.find("size"); p != std::string::npos && n.size() > 4) n.erase(p, 4);
  static const std::vector<std::pair<std::vector<const char*>, ParamRole>> names = {
      {{"blockm", "bm", "tilem", "ctam"}, ParamRole::TileM},
      {{"blockn", "bn", "tilen", "ctan"}, ParamRole::TileN},
      {{"blockk", "bk", "tilek", "ctak"}, ParamRole::TileK},
      {{"splitk", "split", "ksplit", "slices"}, ParamRole::SplitK},
      {{"stages", "numstages", "pipelinestages"}, ParamRole::Stages},
      {{"threads", "blockthreads", "numthreads"}, ParamRole::Threads},
      {{"warps", "numwarps"}, ParamRole::Warps},
      {{"threadm", "tm", "regm", "microm"}, ParamRole::ThreadM},
      {{"threadn", "tn", "regn", "micron"}, ParamRole::ThreadN},
      {{"precision", "inputprecision"}, ParamRole::Precision},
      {{"swizzle", "groupm", "group"}, ParamRole::Swizzle},
      {{"gridorder", "order"}, ParamRole::GridOrder},
      {{"reduction"}, ParamRole::Reduction},
  };
  for (const auto& [words, role] : names)
    for (const char* w : words)
      if (n == w) return role;
  return ParamRole::Other;
}

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
  d.role = role_for_name(d.name);
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

const ParamDecl* find_role(const ParamTable& t, ParamRole r) {
  for (const auto& d : t)
    if (d.role == r) return &d;
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
