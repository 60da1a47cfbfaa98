#include "model/kernel_card.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace gemmscope {

namespace {

namespace fs = std::filesystem;

// FNV-1a: a stable content hash (std::hash is not stable across builds).
std::string content_hash(const std::string& a, const std::string& b) {
  uint64_t h = 1469598103934665603ULL;
  for (const std::string* s : {&a, &b}) {
    for (unsigned char c : *s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0x1f) * 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  return buf;
}

// Reads one card: `where(field)` names the card and the field in every message.
class Reader {
 public:
  Reader(std::string file) : file_(std::move(file)) {}
  std::string where(const std::string& field) const { return file_ + ": " + field; }
  [[noreturn]] void fail(const std::string& field, const std::string& rule) const { throw CardError(where(field) + ": " + rule); }

  void only_keys(const toml::table& t, const std::string& prefix, std::initializer_list<const char*> known, const char* hint = "") const {
    for (const auto& [k, v] : t) {
      const std::string key(k.str());
      if (std::none_of(known.begin(), known.end(), [&](const char* n) { return key == n; })) {
        std::string list;
        for (const char* n : known) list += (list.empty() ? "" : ", ") + std::string(n);
        fail(prefix + key, std::string("unknown key (known: ") + list + ")" + hint);
      }
    }
  }

  std::string string(const toml::table& t, const std::string& prefix, const char* key, bool required) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(prefix + key, "is missing");
      return "";
    }
    if (!n->is_string()) fail(prefix + key, "must be a string");
    return std::string(*n->value<std::string>());
  }

  // An expression: a string, or a bare integer for convenience.
  std::shared_ptr<const CardExpression> expression(const toml::node& n, const std::string& field, const std::vector<std::string>& names) const {
    std::string text;
    if (n.is_string()) text = *n.value<std::string>();
    else if (n.is_integer()) text = std::to_string(*n.value<int64_t>());
    else fail(field, "must be an expression (a string) or an integer");
    return std::make_shared<const CardExpression>(where(field), text, names);
  }

  std::vector<std::shared_ptr<const CardExpression>> expressions(const toml::node* n, const std::string& field, const std::vector<std::string>& names,
                                                                 size_t min, size_t max) const {
    std::vector<std::shared_ptr<const CardExpression>> out;
    if (!n) {
      if (min > 0) fail(field, "is missing");
      return out;
    }
    if (const toml::array* a = n->as_array()) {
      for (size_t i = 0; i < a->size(); ++i) out.push_back(expression(*a->get(i), field + "[" + std::to_string(i) + "]", names));
    } else {
      out.push_back(expression(*n, field, names));
    }
    if (out.size() < min || out.size() > max)
      fail(field, "needs " + std::to_string(min) + " to " + std::to_string(max) + " expressions, got " + std::to_string(out.size()));
    return out;
  }

 private:
  std::string file_;
};

ParamDecl read_param(const Reader& rd, const std::string& name, const toml::table& t) {
  const std::string f = "params." + name + ".";
  rd.only_keys(t, f, {"values", "range", "default", "sweep", "fragment", "description", "role"},
               " (top-level keys such as restrictions must come before the first [table] of the card)");
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
    rd.fail("params." + name, "a parameter name is letters, digits and '_', starting with a letter");
  for (const char* reserved : {"M", "N", "K", "lda", "ldb", "ldc", "stride_am", "stride_ak", "stride_bk", "stride_bn", "stride_cm", "stride_cn"})
    if (name == reserved) rd.fail("params." + name, "is a name expressions already use for the problem");
  ParamDecl d;
  d.name = name;
  d.fragment = t.contains("fragment") ? rd.string(t, f, "fragment", false) : "_" + name;
  d.description = rd.string(t, f, "description", false);
  d.role = role_for_name(name);
  if (t.contains("role")) {
    const std::string word = rd.string(t, f, "role", false);
    const auto role = parse_role(word);
    if (!role) rd.fail(f + "role", "\"" + word + "\" is not a role (" + role_words() + ")");
    d.role = *role;
  }
  const toml::array* values = t.get_as<toml::array>("values");
  const toml::array* range = t.get_as<toml::array>("range");
  if (!values && !range) rd.fail("params." + name, "needs values = [...] or range = [lo, hi]");
  if (values && range) rd.fail("params." + name, "has both values and range; give one");
  bool strings = false;
  if (values) {
    if (values->empty()) rd.fail(f + "values", "is empty");
    strings = values->get(0)->is_string();
    for (size_t i = 0; i < values->size(); ++i) {
      const toml::node& v = *values->get(i);
      if (strings && v.is_string()) {
        const std::string label(*v.value<std::string>());
        d.labels.emplace_back(int(i), label);
        d.values.push_back(int(i));
      } else if (!strings && v.is_integer()) {
        const int64_t x = *v.value<int64_t>();
        if (x < -2147483647LL || x > 2147483647LL) rd.fail(f + "values", std::to_string(x) + " does not fit in 32 bits");
        if (std::find(d.values.begin(), d.values.end(), int(x)) != d.values.end()) rd.fail(f + "values", std::to_string(x) + " is listed twice");
        d.values.push_back(int(x));
      } else {
        rd.fail(f + "values", "must be all integers or all strings");
      }
    }
    if (strings) d.kind = ParamKind::Enum;
  } else {
    if (range->size() != 2 || !range->get(0)->is_integer() || !range->get(1)->is_integer())
      rd.fail(f + "range", "must be [lo, hi], two integers");
    d.min = int(*range->get(0)->value<int64_t>());
    d.max = int(*range->get(1)->value<int64_t>());
    if (d.min > d.max) rd.fail(f + "range", "runs from low to high");
  }
  auto value_of = [&](const toml::node& v, const std::string& field) -> int {
    if (strings) {
      if (!v.is_string()) rd.fail(field, "must be one of the strings in values");
      if (auto x = d.parse(*v.value<std::string>())) return *x;
      rd.fail(field, "\"" + *v.value<std::string>() + "\" is not one of " + d.offered_text());
    }
    if (!v.is_integer()) rd.fail(field, "must be an integer");
    const int x = int(*v.value<int64_t>());
    if (!d.offers(x)) rd.fail(field, std::to_string(x) + " is not offered (" + d.offered_text() + ")");
    return x;
  };
  const toml::node* def = t.get("default");
  if (!def) rd.fail(f + "default", "is missing");
  d.default_value = value_of(*def, f + "default");
  if (const toml::array* sweep = t.get_as<toml::array>("sweep")) {
    for (size_t i = 0; i < sweep->size(); ++i) d.sweep.push_back(value_of(*sweep->get(i), f + "sweep[" + std::to_string(i) + "]"));
  } else if (t.contains("sweep")) {
    rd.fail(f + "sweep", "must be a list of values");
  } else if (!d.is_range()) {
    d.sweep = d.values;  // a list sweeps all its values by default; a range sweeps none unless told
  }
  return d;
}

std::pair<Layout, Layout> parse_layouts(const Reader& rd, const std::string& field, const std::string& s) {
  auto one = [&](char c) {
    if (c == 'R') return Layout::RowMajor;
    if (c == 'C') return Layout::ColMajor;
    rd.fail(field, "\"" + s + "\": a layout is two letters, R or C, for A then B (RR, RC, CR, CC)");
  };
  if (s.size() != 2) rd.fail(field, "\"" + s + "\": a layout is two letters, R or C, for A then B (RR, RC, CR, CC)");
  return {one(s[0]), one(s[1])};
}

std::vector<CardArgument> read_arguments(const Reader& rd, const toml::table& t, const std::string& prefix,
                                         const std::vector<std::string>& names) {
  const toml::array* a = t.get_as<toml::array>("arguments");
  if (!a) rd.fail(prefix + "arguments", "is missing (the kernel's arguments in order: A, B, C, M, N, K, strides, ...)");
  std::vector<CardArgument> out;
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string field = prefix + "arguments[" + std::to_string(i) + "]";
    const toml::node& n = *a->get(i);
    CardArgument arg;
    std::string text = n.is_string() ? std::string(*n.value<std::string>()) : n.is_integer() ? std::to_string(*n.value<int64_t>()) : "";
    if (text.empty()) rd.fail(field, "must be a buffer (A, B, C, workspace) or an expression");
    arg.text = text;
    if (text == "A") arg.kind = CardArgument::Kind::A;
    else if (text == "B") arg.kind = CardArgument::Kind::B;
    else if (text == "C") arg.kind = CardArgument::Kind::C;
    else if (text == "workspace") arg.kind = CardArgument::Kind::Workspace;
    else {
      std::string expr = text;
      if (auto colon = text.find(':'); colon != std::string::npos) {
        std::string type = text.substr(0, colon);
        type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
        if (type == "i32") arg.kind = CardArgument::Kind::Int32;
        else if (type == "i64") arg.kind = CardArgument::Kind::Int64;
        else if (type == "f32") arg.kind = CardArgument::Kind::Float32;
        else rd.fail(field, "\"" + type + "\" is not a type (i32, i64, f32)");
        expr = text.substr(colon + 1);
      }
      arg.value = std::make_shared<const CardExpression>(rd.where(field), expr, names);
    }
    out.push_back(arg);
  }
  return out;
}

CardLaunch read_launch(const Reader& rd, const toml::table& t, const std::string& prefix, CardLanguage language, const std::string& kernel,
                       const std::vector<std::string>& names) {
  CardLaunch l;
  l.kernel = kernel;
  l.grid = rd.expressions(t.get("grid"), prefix + "grid", names, 1, 3);
  if (language == CardLanguage::Cuda) {
    l.block = rd.expressions(t.get("block"), prefix + "block", names, 1, 3);
    if (const toml::node* s = t.get("shared_memory")) l.shared_memory = rd.expression(*s, prefix + "shared_memory", names);
  } else {
    if (t.contains("block")) rd.fail(prefix + "block", "a Triton kernel's block is 32 x num_warps; give num_warps as a parameter instead");
    if (t.contains("shared_memory")) rd.fail(prefix + "shared_memory", "Triton decides a kernel's shared memory itself");
  }
  l.arguments = read_arguments(rd, t, prefix, names);
  return l;
}

Precision precision_named(const Reader& rd, const std::string& field, const std::string& s) {
  if (s == "fp32") return Precision::FP32;
  if (s == "tf32") return Precision::TF32;
  if (s == "tf32x3") return Precision::TF32x3;
  rd.fail(field, "\"" + s + "\" is not a precision (fp32, tf32, tf32x3)");
}

}  // namespace

std::string to_string(CardLanguage l) { return l == CardLanguage::Cuda ? "cuda" : "triton"; }

bool is_triton_option(const std::string& p) { return p == "num_warps" || p == "num_stages" || p == "num_ctas" || p == "maxnreg"; }

std::vector<std::string> card_variable_names(const ParamTable& params) {
  std::vector<std::string> v = {"M", "N", "K", "lda", "ldb", "ldc", "stride_am", "stride_ak", "stride_bk", "stride_bn", "stride_cm", "stride_cn"};
  for (const auto& d : params) v.push_back(d.name);
  return v;
}

std::map<std::string, double> KernelCard::variables(const KernelConfig& c) const {
  const auto& s = c.shape;
  const bool a_col = s.a_layout == Layout::ColMajor, b_col = s.b_layout == Layout::ColMajor;
  std::map<std::string, double> v = {
      {"M", double(s.m)},
      {"N", double(s.n)},
      {"K", double(s.k)},
      {"lda", double(a_col ? s.m : s.k)},
      {"ldb", double(b_col ? s.k : s.n)},
      {"ldc", double(s.n)},
      {"stride_am", double(a_col ? 1 : s.k)},
      {"stride_ak", double(a_col ? s.m : 1)},
      {"stride_bk", double(b_col ? 1 : s.n)},
      {"stride_bn", double(b_col ? s.k : 1)},
      {"stride_cm", double(s.n)},
      {"stride_cn", 1.0},
  };
  for (const auto& d : params) v[d.name] = double(c.params.find(d.name).value_or(d.default_value));
  return v;
}

KernelCard parse_kernel_card(const std::string& card_text, const std::string& path, const std::string& source_text) {
  const std::string file = path.empty() ? std::string("card") : path;
  Reader rd(file);
  toml::table t;
  try {
    t = toml::parse(card_text, path);
  } catch (const toml::parse_error& e) {
    throw CardError(file + ":" + std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) +
                    ": not valid TOML: " + std::string(e.description()));
  }
  rd.only_keys(t, "", {"name", "language", "source", "kernel", "description", "layouts", "precision", "restrictions", "params", "launch"});
  KernelCard c;
  c.path = path;
  c.card_text = card_text;
  c.source_text = source_text;
  c.hash = content_hash(card_text, source_text);
  c.name = rd.string(t, "", "name", true);
  if (c.name.empty() || c.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
    rd.fail("name", "\"" + c.name + "\": a card name is letters, digits, '_' and '-'");
  const std::string language = rd.string(t, "", "language", true);
  if (language == "cuda") c.language = CardLanguage::Cuda;
  else if (language == "triton") c.language = CardLanguage::Triton;
  else rd.fail("language", "\"" + language + "\" is not cuda or triton");
  c.source_file = rd.string(t, "", "source", true);
  c.kernel = rd.string(t, "", "kernel", true);
  c.description = rd.string(t, "", "description", false);

  if (const toml::node* l = t.get("layouts")) {
    const toml::array* a = l->as_array();
    if (!a || a->empty()) rd.fail("layouts", "must be a list such as [\"RR\", \"RC\"]");
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::node& n = *a->get(i);
      if (!n.is_string()) rd.fail("layouts[" + std::to_string(i) + "]", "must be a string such as \"RR\"");
      c.layouts.push_back(parse_layouts(rd, "layouts[" + std::to_string(i) + "]", *n.value<std::string>()));
    }
  } else {
    c.layouts = {{Layout::RowMajor, Layout::RowMajor}};
  }

  const toml::table* params = t.get_as<toml::table>("params");
  if (!params || params->empty()) rd.fail("params", "is missing: a card declares at least one tunable ([params.NAME] with values and default)");
  // TOML keeps a table's keys sorted; the card's own order (the order of names) is the text's.
  std::vector<std::pair<size_t, std::string>> order;
  for (const auto& [k, v] : *params) {
    if (!v.is_table()) rd.fail("params." + std::string(k.str()), "must be a table ([params." + std::string(k.str()) + "])");
    order.emplace_back(v.source().begin.line, std::string(k.str()));
  }
  std::sort(order.begin(), order.end());
  for (const auto& [line, name] : order) c.params.push_back(read_param(rd, name, *params->get_as<toml::table>(name)));
  if (c.language == CardLanguage::Triton)
    for (const auto& d : c.params)
      if (is_triton_option(d.name) && d.kind != ParamKind::Integer)
        rd.fail("params." + d.name, "Triton's " + d.name + " takes integers");
  const std::vector<std::string> names = card_variable_names(c.params);

  if (const toml::node* r = t.get("restrictions")) {
    const toml::array* a = r->as_array();
    if (!a) rd.fail("restrictions", "must be a list of expressions");
    for (size_t i = 0; i < a->size(); ++i) c.restrictions.push_back(rd.expression(*a->get(i), "restrictions[" + std::to_string(i) + "]", names));
  }

  if (const toml::node* p = t.get("precision")) {
    if (p->is_string()) {
      c.precision.fixed = precision_named(rd, "precision", *p->value<std::string>());
    } else if (const toml::table* pt = p->as_table()) {
      rd.only_keys(*pt, "precision.", {"param", "map"});
      c.precision.param = rd.string(*pt, "precision.", "param", true);
      const ParamDecl* d = find_param(c.params, c.precision.param);
      if (!d) rd.fail("precision.param", "\"" + c.precision.param + "\" is not a parameter of the card (" + param_names(c.params) + ")");
      const toml::table* map = pt->get_as<toml::table>("map");
      if (!map) rd.fail("precision.map", "is missing: map every value of " + d->name + " to fp32, tf32 or tf32x3");
      for (int v : d->values) {
        const std::string label = d->format(v);
        const toml::node* m = map->get(label);
        if (!m || !m->is_string()) rd.fail("precision.map." + label, "is missing: every value of " + d->name + " needs a precision");
        c.precision.by_value[v] = precision_named(rd, "precision.map." + label, *m->value<std::string>());
      }
      if (d->is_range()) rd.fail("precision.param", d->name + " is a range; a precision parameter lists its values");
      for (ParamDecl& q : c.params)  // the parameter that chooses the arithmetic is the precision's, whatever its name
        if (q.name == d->name) q.role = ParamRole::Precision;
    } else {
      rd.fail("precision", "must be fp32, tf32, tf32x3 or a table {param, map}");
    }
  }

  const toml::table* launch = t.get_as<toml::table>("launch");
  if (!launch) rd.fail("launch", "is missing: [launch] with grid and arguments");
  rd.only_keys(*launch, "launch.", {"grid", "block", "shared_memory", "zero_output", "workspace", "arguments", "after"});
  c.launch = read_launch(rd, *launch, "launch.", c.language, c.kernel, names);
  if (const toml::node* z = launch->get("zero_output")) {
    if (!z->is_boolean()) rd.fail("launch.zero_output", "must be true or false");
    c.zero_output = *z->value<bool>();
  }
  if (const toml::node* w = launch->get("workspace")) c.workspace = rd.expression(*w, "launch.workspace", names);
  if (const toml::node* after = launch->get("after")) {
    const toml::array* a = after->as_array();
    if (!a) rd.fail("launch.after", "must be a list of tables ([[launch.after]])");
    for (size_t i = 0; i < a->size(); ++i) {
      const std::string prefix = "launch.after[" + std::to_string(i) + "].";
      const toml::table* lt = a->get(i)->as_table();
      if (!lt) rd.fail("launch.after[" + std::to_string(i) + "]", "must be a table");
      rd.only_keys(*lt, prefix, {"kernel", "grid", "block", "shared_memory", "arguments"});
      c.after.push_back(read_launch(rd, *lt, prefix, c.language, rd.string(*lt, prefix, "kernel", true), names));
    }
  }
  bool uses_workspace = false;
  for (const auto& arg : c.launch.arguments) uses_workspace |= arg.kind == CardArgument::Kind::Workspace;
  for (const auto& l : c.after)
    for (const auto& arg : l.arguments) uses_workspace |= arg.kind == CardArgument::Kind::Workspace;
  if (uses_workspace && !c.workspace) rd.fail("launch.workspace", "an argument names the workspace, so its size (bytes) must be given");
  bool passes_c = false;
  for (const auto& arg : c.launch.arguments) passes_c |= arg.kind == CardArgument::Kind::C;
  for (const auto& l : c.after)
    for (const auto& arg : l.arguments) passes_c |= arg.kind == CardArgument::Kind::C;
  if (!passes_c) rd.fail("launch.arguments", "no launch is passed C, so nothing would write the result");
  return c;
}

KernelCard load_kernel_card(const std::string& path) {
  auto slurp = [&](const fs::path& p, const std::string& what) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw CardError(path + ": " + what + " " + p.string() + " cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string text = slurp(path, "the card");
  // The source is named inside the card: read it once the card says where.
  std::string source_file;
  try {
    const toml::table t = toml::parse(text, path);
    if (auto s = t["source"].value<std::string>()) source_file = *s;
  } catch (const toml::parse_error&) {
    return parse_kernel_card(text, path, "");  // reports the TOML error with its line
  }
  if (source_file.empty()) return parse_kernel_card(text, path, "");  // reports the missing field
  const fs::path source = fs::path(path).parent_path() / source_file;
  KernelCard c = parse_kernel_card(text, path, slurp(source, "source"));
  c.source_path = fs::weakly_canonical(source).string();
  return c;
}

}  // namespace gemmscope
