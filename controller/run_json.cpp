#include "controller/run_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/kernel_family.h"

namespace gemmscope {

namespace {

void indent(std::string& out, int depth) { out.append(size_t(2 * depth), ' '); }

// A JSON string as nlohmann's dump() writes it (ensure_ascii off): printable ASCII as is, the
// short escapes, \u00xx for other control characters. Text with bytes past ASCII goes through
// nlohmann itself, which checks it is UTF-8 (and throws as dump() does when it is not).
void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t start = out.size();
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    // Runs of characters written as they are go in at once.
    size_t run = i;
    while (run < s.size() && uint8_t(s[run]) >= 0x20 && uint8_t(s[run]) < 0x80 && s[run] != '"' && s[run] != '\\') ++run;
    if (run > i) {
      out.append(s.substr(i, run - i));
      if (run == s.size()) break;
      i = run;
    }
    const auto c = uint8_t(s[i]);
    if (c >= 0x80) {
      out.resize(start);  // nlohmann writes the whole string
      out += nlohmann::json(std::string(s)).dump();
      return;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) out += "\\u00", out += kHex[c >> 4], out += kHex[c & 15];
        else out += char(c);
    }
  }
  out += '"';
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  out.append(buf, size_t(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

// nlohmann's own float writer (Grisu2, its %g-like layout, "null" for NaN and infinities), so the
// text is dump()'s to the byte.
void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  out.append(buf, size_t(nlohmann::detail::to_chars(buf, buf + sizeof buf, v) - buf));
}

void append_bool(std::string& out, bool v) { out += v ? "true" : "false"; }

bool structural(char c) { return c == '"' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':'; }

// A compact JSON value (dump()'s text) re-indented as dump(2) writes it, its entries at `depth` + 1.
void append_reindented(std::string& out, std::string_view v, int depth) {
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    switch (c) {
      case '"': {
        const size_t start = i++;
        while (i < v.size() && v[i] != '"') i += v[i] == '\\' ? 2 : 1;
        out.append(v.substr(start, i - start + 1));
        break;
      }
      default: {
        // A number, true, false or null: copied up to the next structural character.
        const size_t start = i;
        while (i + 1 < v.size() && !structural(v[i + 1])) ++i;
        out.append(v.substr(start, i - start + 1));
        break;
      }
      case '{':
      case '[':
        if (i + 1 < v.size() && v[i + 1] == (c == '{' ? '}' : ']')) {
          out += c, out += v[++i];
        } else {
          out += c, out += '\n';
          indent(out, ++depth);
        }
        break;
      case '}':
      case ']':
        out += '\n';
        indent(out, --depth);
        out += c;
        break;
      case ',':
        out += ",\n";
        indent(out, depth);
        break;
      case ':': out += ": "; break;
    }
  }
}

// The end of the compact JSON value starting at `i` (one past it).
size_t value_end(std::string_view v, size_t i) {
  int depth = 0;
  for (; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '"') {
      for (++i; i < v.size() && v[i] != '"';) i += v[i] == '\\' ? 2 : 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;
      if (--depth == 0) return i + 1;
    } else if (c == ',' && depth == 0) {
      return i;
    }
  }
  return i;
}

struct Entry {
  std::string_view key, value;  // the key without its quotes; the value's compact text
};

// The entries of a compact JSON object, in its (sorted) order; false when it is not an object or
// a key has an escape (its order would be that of the unescaped text).
bool split_object(std::string_view v, std::vector<Entry>& out) {
  out.clear();
  if (v.size() < 2 || v.front() != '{' || v.back() != '}') return false;
  size_t i = 1;
  while (i < v.size() - 1) {
    if (v[i] != '"') return false;
    const size_t key_end = v.find('"', i + 1);
    if (key_end == std::string_view::npos || key_end + 1 >= v.size() || v[key_end + 1] != ':') return false;
    const std::string_view key = v.substr(i + 1, key_end - i - 1);
    if (key.find('\\') != std::string_view::npos) return false;
    const size_t start = key_end + 2, end = value_end(v, start);
    if (end <= start) return false;
    out.push_back({key, v.substr(start, end - start)});
    i = end < v.size() - 1 && v[end] == ',' ? end + 1 : end;
  }
  return true;
}

// A field kept in columns: its key and how its value is written at `depth` (the depth of the
// object holding it).
struct Hot {
  std::string_view key;
  void (*write)(std::string& out, const RunResult& r, int depth);
};

void write_config(std::string& out, const RunResult& r, int depth) {
  const KernelConfig& c = r.config;
  const FamilyPtr f = find_family(c.family);
  out += "{\n";
  indent(out, depth + 1), out += "\"family\": ", append_string(out, c.family), out += ",\n";
  indent(out, depth + 1), out += "\"params\": ";
  // A JSON object's keys are sorted; a config's parameters are in declaration order.
  std::vector<const std::pair<std::string, int>*> params;
  for (const auto& p : c.params.items()) params.push_back(&p);
  std::sort(params.begin(), params.end(), [](auto* a, auto* b) { return a->first < b->first; });
  if (params.empty()) {
    out += "{}";
  } else {
    out += "{\n";
    for (size_t i = 0; i < params.size(); ++i) {
      const auto& [name, v] = *params[i];
      indent(out, depth + 2), append_string(out, name), out += ": ";
      const ParamDecl* d = f ? find_param(f->params(), name) : nullptr;
      if (d && !d->labels.empty()) append_string(out, d->format(v));
      else append_int(out, v);
      out += i + 1 < params.size() ? ",\n" : "\n";
    }
    indent(out, depth + 1), out += '}';
  }
  out += ",\n";
  indent(out, depth + 1), out += "\"shape\": {\n";
  indent(out, depth + 2), out += "\"a_layout\": ", append_string(out, to_string(c.shape.a_layout)), out += ",\n";
  indent(out, depth + 2), out += "\"b_layout\": ", append_string(out, to_string(c.shape.b_layout)), out += ",\n";
  indent(out, depth + 2), out += "\"k\": ", append_int(out, c.shape.k), out += ",\n";
  indent(out, depth + 2), out += "\"m\": ", append_int(out, c.shape.m), out += ",\n";
  indent(out, depth + 2), out += "\"n\": ", append_int(out, c.shape.n), out += '\n';
  indent(out, depth + 1), out += "}\n";
  indent(out, depth), out += '}';
}

void write_metrics(std::string& out, const RunResult& r, int depth) {
  if (r.metrics.empty()) {
    out += "{}";
    return;
  }
  out += "{\n";
  size_t i = 0;
  for (const auto& [name, m] : r.metrics) {  // a std::map: nlohmann's order
    indent(out, depth + 1), append_string(out, name), out += ": {\n";
    indent(out, depth + 2), out += "\"source\": ", append_string(out, m.source), out += ",\n";
    indent(out, depth + 2), out += "\"unit\": ", append_string(out, m.unit), out += ",\n";
    indent(out, depth + 2), out += "\"value\": ", append_double(out, m.value), out += '\n';
    indent(out, depth + 1), out += ++i < r.metrics.size() ? "},\n" : "}\n";
  }
  indent(out, depth), out += '}';
}

// The run's fields kept in columns, sorted by key as nlohmann sorts them. "verify" is both: its
// counts are columns, its tolerances in the cold part.
const std::vector<Hot>& hot_fields() {
  static const std::vector<Hot> fields = [] {
    std::vector<Hot> f = {
        {"id", [](std::string& o, const RunResult& r, int) { append_int(o, r.id); }},
        {"config", write_config},
        {"config_name", [](std::string& o, const RunResult& r, int) { append_string(o, r.config_name); }},
        {"device", [](std::string& o, const RunResult& r, int) { append_string(o, r.device); }},
        {"arch", [](std::string& o, const RunResult& r, int) { append_string(o, r.arch); }},
        {"disposition", [](std::string& o, const RunResult& r, int) { append_string(o, to_string(r.disposition)); }},
        {"reason", [](std::string& o, const RunResult& r, int) { append_string(o, r.reason); }},
        {"ms_median", [](std::string& o, const RunResult& r, int) { append_double(o, r.ms_median); }},
        {"ms_min", [](std::string& o, const RunResult& r, int) { append_double(o, r.ms_min); }},
        {"ms_max", [](std::string& o, const RunResult& r, int) { append_double(o, r.ms_max); }},
        {"reps", [](std::string& o, const RunResult& r, int) { append_int(o, r.reps); }},
        {"l2_flushed", [](std::string& o, const RunResult& r, int) { append_bool(o, r.l2_flushed); }},
        {"tflops", [](std::string& o, const RunResult& r, int) { append_double(o, r.tflops); }},
        {"gbps", [](std::string& o, const RunResult& r, int) { append_double(o, r.gbps); }},
        {"registers", [](std::string& o, const RunResult& r, int) { append_int(o, r.registers); }},
        {"static_smem", [](std::string& o, const RunResult& r, int) { append_int(o, r.static_smem); }},
        {"dynamic_smem", [](std::string& o, const RunResult& r, int) { append_int(o, r.dynamic_smem); }},
        {"grid_size", [](std::string& o, const RunResult& r, int) { append_int(o, r.grid_size); }},
        {"block_size", [](std::string& o, const RunResult& r, int) { append_int(o, r.block_size); }},
        {"occupancy_theoretical", [](std::string& o, const RunResult& r, int) { append_double(o, r.occupancy_theoretical); }},
        {"metrics", write_metrics},
        {"created_at", [](std::string& o, const RunResult& r, int) { append_string(o, r.created_at); }},
        {"commit", [](std::string& o, const RunResult& r, int) { append_string(o, r.commit); }},
        {"card_hash", [](std::string& o, const RunResult& r, int) { append_string(o, r.card_hash); }},
        {"verify", nullptr},
    };
    std::sort(f.begin(), f.end(), [](const Hot& a, const Hot& b) { return a.key < b.key; });
    return f;
  }();
  return fields;
}

const std::vector<Hot>& hot_verify_fields() {
  static const std::vector<Hot> fields = [] {
    std::vector<Hot> f = {
        {"checked", [](std::string& o, const RunResult& r, int) { append_bool(o, r.verify.checked); }},
        {"rel_fro_error", [](std::string& o, const RunResult& r, int) { append_double(o, r.verify.rel_fro_error); }},
        {"max_abs_error", [](std::string& o, const RunResult& r, int) { append_double(o, r.verify.max_abs_error); }},
        {"mismatches", [](std::string& o, const RunResult& r, int) { append_int(o, r.verify.mismatches); }},
        {"nonfinite", [](std::string& o, const RunResult& r, int) { append_int(o, r.verify.nonfinite); }},
        {"allclose", [](std::string& o, const RunResult& r, int) { append_bool(o, r.verify.allclose()); }},
    };
    std::sort(f.begin(), f.end(), [](const Hot& a, const Hot& b) { return a.key < b.key; });
    return f;
  }();
  return fields;
}

// One object at `depth`: the hot fields and the cold entries merged in key order. `verify`: the
// cold "verify" object, merged with the verification columns.
bool merge(std::string& out, const RunResult& r, const std::vector<Hot>& hot, const std::vector<Entry>& cold, int depth) {
  out += "{\n";
  size_t h = 0, c = 0;
  bool first = true;
  while (h < hot.size() || c < cold.size()) {
    const bool take_hot = c == cold.size() || (h < hot.size() && hot[h].key <= cold[c].key);
    const bool both = take_hot && c < cold.size() && hot[h].key == cold[c].key;
    if (!first) out += ",\n";
    first = false;
    indent(out, depth + 1);
    out += '"', out += take_hot ? hot[h].key : cold[c].key, out += "\": ";
    if (take_hot && !hot[h].write) {
      // "verify": its columns and its cold entries in one object.
      thread_local std::vector<Entry> nested;
      nested.clear();
      if (both && !split_object(cold[c].value, nested)) return false;
      if (!merge(out, r, hot_verify_fields(), nested, depth + 1)) return false;
    } else if (take_hot) {
      hot[h].write(out, r, depth + 1);
    } else {
      append_reindented(out, cold[c].value, depth + 1);
    }
    if (take_hot) ++h;
    if (!take_hot || both) ++c;
  }
  out += '\n';
  indent(out, depth), out += '}';
  return true;
}

}  // namespace

bool append_stored_run_json(std::string& out, const RunResult& columns, std::string_view cold) {
  thread_local std::vector<Entry> entries;  // reused: a million rows, no allocation each
  if (!split_object(cold, entries)) return false;
  const size_t before = out.size();
  if (!merge(out, columns, hot_fields(), entries, 0)) {
    out.resize(before);
    return false;
  }
  return true;
}

}  // namespace gemmscope
