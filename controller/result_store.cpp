#include "controller/result_store.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>
#include <sqlite3.h>
#include <stdexcept>
#include <string_view>
#include <zlib.h>

#include "controller/run_json.h"
#include "model/families/card_family.h"
#include "model/json_codec.h"

namespace gemmscope {

namespace {

constexpr const char* kSchema = "gemmscope-results-2";
constexpr const char* kSchema1 = "gemmscope-results-1";

// A prepared statement that finalises itself.
struct Statement {
  sqlite3_stmt* s = nullptr;
  Statement(sqlite3* db, const std::string& sql, const std::string& path) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error("store " + path + ": " + sqlite3_errmsg(db) + " (preparing: " + sql.substr(0, 60) + ")");
  }
  ~Statement() { sqlite3_finalize(s); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void text(int i, const std::string& v) { sqlite3_bind_text(s, i, v.c_str(), -1, SQLITE_TRANSIENT); }
  void real(int i, double v) { sqlite3_bind_double(s, i, v); }
  void integer(int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
  void blob(int i, const std::string& v) { sqlite3_bind_blob(s, i, v.data(), int(v.size()), SQLITE_TRANSIENT); }
  void null(int i) { sqlite3_bind_null(s, i); }
  std::string column_text(int i) const {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return t ? t : "";
  }
  std::string column_blob(int i) const {
    const auto* b = static_cast<const char*>(sqlite3_column_blob(s, i));
    return b ? std::string(b, size_t(sqlite3_column_bytes(s, i))) : std::string();
  }
  double real_at(int i) const { return sqlite3_column_double(s, i); }
  int64_t int_at(int i) const { return sqlite3_column_int64(s, i); }
  bool is_null(int i) const { return sqlite3_column_type(s, i) == SQLITE_NULL; }
};

void exec(sqlite3* db, const std::string& sql, const std::string& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("store " + path + ": " + msg);
  }
}

// [SECTION] The deflated part of a run
// A frame: 'Z', the dictionary's id, the inflated length (u32 LE), a CRC-32 of those six bytes and
// the payload (u32 LE), then raw deflate. The CRC lets a scan that does not inflate (a CSV export)
// still find a damaged frame. A dictionary is never changed once stores hold it: a new one gets
// a new id, and readers keep every one.
constexpr char kFrameMagic = 'Z';
constexpr size_t kFrameHeader = 10;
// Id 1: what the cold part of a run looks like (the keys in the order nlohmann writes them), so a
// 300-byte object deflates to tens of bytes instead of the ~200 it would on its own.
constexpr std::string_view kDictionary1 =
    R"d({"note":"","curves":[{"label":"SM busy","metric":"sm__cycles_active.avg","pct":[]}],"interval_us":0.0,"t_us":[]},)d"
    R"d("metrics_note":"seed set: 8 replay passes over 1 kernel range(s), 120 ms of profiling (not part of the timing)","launched_kernel":"",)d"
    R"d({"compile_ms":0.0,"jit_cache_hit":false,"launched_kernel":"","local_bytes":0,"metrics_note":"",)d"
    R"d("occupancy_blocks_per_sm":1,"occupancy_blocks_per_sm_driver":1,"registers_driver":0,"seed":0,)d"
    R"d("smem_config_bytes":0,"static_smem_driver":0,"timeline":{"curves":[],"interval_us":0.0,"note":"","t_us":[]},)d"
    R"d("verify":{"atol":0.0001,"rtol":0.0001}})d";

std::string_view dictionary(int id) { return id == 1 ? kDictionary1 : std::string_view(); }

void put_u32(std::string& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + size_t(i)] = char((v >> (8 * i)) & 0xff);
}
uint32_t get_u32(const std::string& in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(in[at + size_t(i)])) << (8 * i);
  return v;
}
uint32_t frame_crc(const std::string& frame) {
  uLong c = crc32(0L, reinterpret_cast<const Bytef*>(frame.data()), 6);
  return uint32_t(crc32(c, reinterpret_cast<const Bytef*>(frame.data()) + kFrameHeader, uInt(frame.size() - kFrameHeader)));
}

// Why a frame cannot be the deflated part of a run ("" when its header and CRC hold).
std::string frame_problem(const std::string& f) {
  if (f.size() < kFrameHeader + 1 || f[0] != kFrameMagic) return "its stored result is not a gemmscope frame (" + std::to_string(f.size()) + " bytes)";
  if (dictionary(uint8_t(f[1])).empty()) return "its stored result names dictionary " + std::to_string(uint8_t(f[1])) + ", which this build does not know";
  if (get_u32(f, 6) != frame_crc(f)) return "its stored result is damaged (CRC-32 mismatch)";
  return "";
}

class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&z_, -15) != Z_OK) throw std::runtime_error("zlib: inflateInit2 failed (out of memory)");
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  // The frame's inflated text; throws saying why when it does not inflate to its stated length.
  std::string inflate_frame(const std::string& f) {
    if (const std::string p = frame_problem(f); !p.empty()) throw std::runtime_error(p);
    const std::string_view dict = dictionary(uint8_t(f[1]));
    std::string out(get_u32(f, 2), '\0');
    inflateReset(&z_);
    inflateSetDictionary(&z_, reinterpret_cast<const Bytef*>(dict.data()), uInt(dict.size()));
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(f.data())) + kFrameHeader;
    z_.avail_in = uInt(f.size() - kFrameHeader);
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = uInt(out.size());
    const int rc = ::inflate(&z_, Z_FINISH);
    if (rc != Z_STREAM_END || z_.avail_out != 0)
      throw std::runtime_error(std::string("its stored result does not inflate (zlib: ") + (z_.msg ? z_.msg : "length differs from the frame's") + ")");
    return out;
  }

 private:
  z_stream z_{};
};

// [SECTION] The split of a RunResult: columns, config, metrics, and the rest
// The keys of to_json(RunResult) that live elsewhere (columns, configs, metric sets): what is left
// is the cold part, deflated. A field added to RunResult later lands in the cold part by itself.
constexpr std::array kColumnKeys = {"id", "config", "config_name", "device", "arch", "disposition", "reason", "ms_median", "ms_min",
                                    "ms_max", "reps", "l2_flushed", "tflops", "gbps", "registers", "static_smem", "dynamic_smem",
                                    "grid_size", "block_size", "occupancy_theoretical", "metrics", "created_at", "commit", "card_hash"};
constexpr std::array kVerifyColumnKeys = {"checked", "rel_fro_error", "max_abs_error", "mismatches", "nonfinite", "allclose"};

std::string cold_part(const RunResult& r) {
  nlohmann::json j = to_json(r);
  for (const char* k : kColumnKeys) j.erase(k);
  for (const char* k : kVerifyColumnKeys) j["verify"].erase(k);
  return j.dump();
}

std::string encode_doubles(const std::vector<double>& v) {
  std::string out(v.size() * 8, '\0');
  for (size_t i = 0; i < v.size(); ++i) {
    uint64_t bits;
    std::memcpy(&bits, &v[i], 8);
    for (int b = 0; b < 8; ++b) out[i * 8 + size_t(b)] = char((bits >> (8 * b)) & 0xff);
  }
  return out;
}
double decode_double(const char* p) {
  uint64_t bits = 0;
  for (int b = 0; b < 8; ++b) bits |= uint64_t(uint8_t(p[b])) << (8 * b);
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}

// Schema 2's runs table. The columns a list, filter, sort or CSV needs come first, so SQLite reads
// a row's record header only as far as them; the frame is last.
constexpr const char* kRunsTable =
    "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT, sweep TEXT, family TEXT, problem TEXT,"
    " device TEXT, card TEXT, config_id INTEGER REFERENCES configs(id), disposition TEXT, ms_median REAL, tflops REAL, gbps REAL,"
    " rel_error REAL, checked INTEGER, mismatches INTEGER, nonfinite INTEGER, arch TEXT, build TEXT, reason TEXT, ms_min REAL,"
    " ms_max REAL, reps INTEGER, l2_flushed INTEGER, max_abs_error REAL, registers INTEGER, static_smem INTEGER, dynamic_smem INTEGER,"
    " grid_size INTEGER, block_size INTEGER, occupancy REAL, metric_set INTEGER REFERENCES metric_sets(id), metric_values BLOB,"
    // The deflated cold part (a frame); TEXT only for a schema-1 row the upgrade could not read,
    // kept as it was so it is still reported. The name is schema 1's, which tools address.
    " result_json BLOB NOT NULL);";
// Every filter the app offers, newest first within each value (an index's entries end in the id).
constexpr const char* kRunsIndexes =
    // A problem alone and a problem with a family: a two-column index alone would order a
    // problem's runs by family first, so its newest page would sort them all.
    "CREATE INDEX IF NOT EXISTS runs_by_problem ON runs(problem);"
    "CREATE INDEX IF NOT EXISTS runs_by_problem_family ON runs(problem, family);"
    "CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs(sweep);"
    "CREATE INDEX IF NOT EXISTS runs_by_family ON runs(family);"
    "CREATE INDEX IF NOT EXISTS runs_by_device ON runs(device);"
    "CREATE INDEX IF NOT EXISTS runs_by_card ON runs(card);"
    "CREATE INDEX IF NOT EXISTS runs_by_date ON runs(created_at);"
    // An expression index: its key is 0 or 1, so it costs a few bytes a run, not a string.
    "CREATE INDEX IF NOT EXISTS runs_by_passed ON runs(disposition='passed');"
    // The ids alone (12 bytes a run): a jump deep into the unfiltered view walks this, not the rows
    // (a million runs: 14 ms to the last page, 204 ms through the table).
    "CREATE INDEX IF NOT EXISTS runs_by_id ON runs(id);";

// The columns of a row scan, in this order (Col::x is its index).
constexpr const char* kScanColumns =
    "r.id, r.created_at, r.sweep, r.family, r.problem, r.device, r.card, r.config_id, r.disposition, r.ms_median, r.tflops, r.gbps,"
    " r.rel_error, r.checked, r.mismatches, r.nonfinite, r.arch, r.build, r.reason, r.ms_min, r.ms_max, r.reps, r.l2_flushed,"
    " r.max_abs_error, r.registers, r.static_smem, r.dynamic_smem, r.grid_size, r.block_size, r.occupancy, r.metric_set,"
    " r.metric_values, r.result_json";
enum Col {
  kId, kCreated, kSweep, kFamily, kProblem, kDevice, kCard, kConfigId, kDisposition, kMsMedian, kTflops, kGbps, kRelError, kChecked,
  kMismatches, kNonfinite, kArch, kBuild, kReason, kMsMin, kMsMax, kReps, kL2, kMaxAbs, kRegisters, kStaticSmem, kDynamicSmem,
  kGrid, kBlock, kOccupancy, kMetricSet, kMetricValues, kResult
};

// What a scan reads once and keeps: configs and metric sets by id (a million runs share a few
// thousand of each), and one inflate stream. A sweep's runs each have their own config, so the
// configs kept are bounded: past kMaxConfigs they are read again (a 100k-point sweep's export held
// them all, 50 MB).
struct ScanCache {
  static constexpr size_t kMaxConfigs = 4096;
  std::map<int64_t, std::pair<std::string, KernelConfig>> configs;
  std::map<int64_t, std::vector<std::array<std::string, 3>>> metric_sets;
  Inflater inflater;
};

const std::pair<std::string, KernelConfig>& cached_config(sqlite3* db, const std::string& path, ScanCache& cache, int64_t id) {
  if (auto it = cache.configs.find(id); it != cache.configs.end()) return it->second;
  Statement st(db, "SELECT config_name, config_json FROM configs WHERE id=?", path);
  st.integer(1, id);
  if (sqlite3_step(st.s) != SQLITE_ROW) throw std::runtime_error("its config " + std::to_string(id) + " is not in the store's configs table");
  KernelConfig c;
  try {
    c = config_from_json(nlohmann::json::parse(st.column_text(1)));
  } catch (const std::exception& e) {
    throw std::runtime_error("its config " + std::to_string(id) + " does not read (" + e.what() + ")");
  }
  if (cache.configs.size() >= ScanCache::kMaxConfigs) cache.configs.clear();
  return cache.configs.emplace(id, std::pair{st.column_text(0), std::move(c)}).first->second;
}

const std::vector<std::array<std::string, 3>>& cached_metric_set(sqlite3* db, const std::string& path, ScanCache& cache, int64_t id) {
  if (auto it = cache.metric_sets.find(id); it != cache.metric_sets.end()) return it->second;
  Statement st(db, "SELECT names_json FROM metric_sets WHERE id=?", path);
  st.integer(1, id);
  if (sqlite3_step(st.s) != SQLITE_ROW) throw std::runtime_error("its metric set " + std::to_string(id) + " is not in the store");
  std::vector<std::array<std::string, 3>> names;
  try {
    for (const auto& m : nlohmann::json::parse(st.column_text(0))) names.push_back({m.at(0), m.at(1), m.at(2)});
  } catch (const std::exception& e) {
    throw std::runtime_error("its metric set " + std::to_string(id) + " does not read (" + e.what() + ")");
  }
  return cache.metric_sets.emplace(id, std::move(names)).first->second;
}

// A schema-1 row, or a schema-2 row the upgrade kept as it was: the whole result as JSON text.
RunResult legacy_result(const std::string& text, int64_t id) {
  RunResult r = result_from_json(nlohmann::json::parse(text));
  r.id = id;
  return r;
}

// One schema-2 row of a kScanColumns select; throws saying why it cannot be read.
RunResult decode_row(const Statement& st, ScanDetail detail, sqlite3* db, const std::string& path, ScanCache& cache) {
  const int64_t id = st.int_at(kId);
  if (sqlite3_column_type(st.s, kResult) == SQLITE_TEXT) return legacy_result(st.column_text(kResult), id);
  const std::string frame = st.column_blob(kResult);
  RunResult r;
  if (detail == ScanDetail::full) r = result_from_json(nlohmann::json::parse(cache.inflater.inflate_frame(frame)));
  else if (const std::string p = frame_problem(frame); !p.empty()) throw std::runtime_error(p);
  r.id = id;
  if (st.is_null(kConfigId)) throw std::runtime_error("it has no config");
  const auto& [name, config] = cached_config(db, path, cache, st.int_at(kConfigId));
  r.config = config;
  r.config_name = name;
  r.created_at = st.column_text(kCreated);
  r.device = st.column_text(kDevice);
  r.card_hash = st.column_text(kCard);
  r.disposition = parse_disposition(st.column_text(kDisposition));
  r.ms_median = st.real_at(kMsMedian);
  r.tflops = st.real_at(kTflops);
  r.gbps = st.real_at(kGbps);
  r.verify.rel_fro_error = st.real_at(kRelError);
  r.verify.checked = st.int_at(kChecked) != 0;
  r.verify.mismatches = st.int_at(kMismatches);
  r.verify.nonfinite = st.int_at(kNonfinite);
  r.arch = st.column_text(kArch);
  r.commit = st.column_text(kBuild);
  r.reason = st.column_text(kReason);
  r.ms_min = st.real_at(kMsMin);
  r.ms_max = st.real_at(kMsMax);
  r.reps = int(st.int_at(kReps));
  r.l2_flushed = st.int_at(kL2) != 0;
  r.verify.max_abs_error = st.real_at(kMaxAbs);
  r.registers = int(st.int_at(kRegisters));
  r.static_smem = st.int_at(kStaticSmem);
  r.dynamic_smem = st.int_at(kDynamicSmem);
  r.grid_size = st.int_at(kGrid);
  r.block_size = st.int_at(kBlock);
  r.occupancy_theoretical = st.real_at(kOccupancy);
  if (!st.is_null(kMetricSet)) {
    const auto& names = cached_metric_set(db, path, cache, st.int_at(kMetricSet));
    const std::string values = st.column_blob(kMetricValues);
    if (values.size() != names.size() * 8)
      throw std::runtime_error("its metric values are " + std::to_string(values.size()) + " bytes, not 8 for each of its " +
                               std::to_string(names.size()) + " metrics");
    for (size_t i = 0; i < names.size(); ++i) r.metrics[names[i][0]] = {decode_double(values.data() + 8 * i), names[i][1], names[i][2]};
  }
  return r;
}

// ISO-8601 prefixes only, so a range compares as the text it is.
void check_date(const std::string& v, const char* which) {
  if (v.find_first_not_of("0123456789-:.TZ+") != std::string::npos || (!v.empty() && !std::isdigit(uint8_t(v[0]))))
    throw std::invalid_argument(std::string("store query: ") + which + " date '" + v +
                                "' is not an ISO-8601 date or prefix (2026-12-01, 2026-12-01T10:30)");
}

// A date range orders by created_at (then id), so the date index gives the rows in order and a
// range of a million runs is never sorted; without one, by id (the order runs were stored in).
bool by_date(const StoreQuery& q) { return !q.from.empty() || !q.to.empty(); }

// The WHERE clause of a query for the store's layout, with its values to bind in order. Every
// term is one an index answers (schema 2); schema 1 reads the card from the JSON.
// `paging`: with the rows after q.after in the query's order, or after the row whose id is the SQL
// expression `after_id` (a parameter) when given. By date, the bound that row sets is one plain
// range end with the date filter's (min/max), which the date index seeks to, and ties go by id:
// a row value (created_at, id) < (...) was read from the range's start for every page.
// `date_unindexed`: the date terms are written so no index answers them ("+created_at"), and the
// planner walks another filter's index instead (a jump's walk: page() says when).
std::pair<std::string, std::vector<std::string>> where(const StoreQuery& q, int schema, bool paging, bool date_unindexed = false,
                                                       const std::string& after_id = "") {
  std::string sql = " WHERE 1=1";
  std::vector<std::string> binds;
  auto add = [&](const std::string& expr, const std::string& v) {
    if (!v.empty()) sql += " AND " + expr + "=?", binds.push_back(v);
  };
  add("r.family", q.family);
  add("r.problem", q.problem);
  add("r.device", q.device);
  add("r.sweep", q.sweep);
  add(schema == 1 ? "json_extract(r.result_json,'$.card_hash')" : "r.card", q.card);
  check_date(q.from, "from");
  check_date(q.to, "to");
  const bool after = paging && (q.after || !after_id.empty());
  const std::string id = !after_id.empty() ? after_id : after ? std::to_string(*q.after) : "";
  const bool desc = q.newest_first, dated_after = after && by_date(q);
  const std::string c = date_unindexed ? "+r.created_at" : "r.created_at";
  // '~' sorts after every character of an ISO-8601 date: all of `to`'s day (or hour, ...) is in.
  const std::string to = q.to.empty() ? "" : q.to + "~";
  // The range end the after row moves is written with it, below.
  if (!q.from.empty() && !(dated_after && !desc)) sql += " AND " + c + ">=?", binds.push_back(q.from);
  if (!to.empty() && !(dated_after && desc)) sql += " AND " + c + "<=?", binds.push_back(to);
  // The passed index only alone: 97 % of runs pass, so with any other filter the planner should
  // walk that filter's index, and this spelling keeps it from choosing this one.
  const bool passed_alone = binds.empty() && !by_date(q);
  if (q.passed_only) sql += schema == 2 && passed_alone ? " AND (r.disposition='passed')=1" : " AND r.disposition='passed'";
  if (after) {
    const std::string op = desc ? "<" : ">";
    if (!by_date(q)) {
      sql += " AND r.id" + op + id;
    } else {
      const std::string at = "(SELECT created_at FROM runs WHERE id=" + id + ")", end = desc ? to : q.from;
      std::string bound = at;
      if (!end.empty()) bound = std::string(desc ? "min" : "max") + "(?, " + at + ")", binds.push_back(end);
      sql += " AND " + c + op + "=" + bound + " AND (" + c + op + at + " OR r.id" + op + id + ")";
    }
  }
  return {sql, binds};
}

std::string order_and_page(const StoreQuery& q) {
  const char* dir = q.newest_first ? " DESC" : "";
  std::string sql = by_date(q) ? std::string(" ORDER BY r.created_at") + dir + ", r.id" + dir : std::string(" ORDER BY r.id") + dir;
  if (q.limit > 0 || q.offset > 0) sql += " LIMIT " + std::to_string(q.limit > 0 ? q.limit : -1);
  if (q.offset > 0) sql += " OFFSET " + std::to_string(q.offset);
  return sql;
}

void bind_all(Statement& st, const std::vector<std::string>& binds) {
  for (size_t i = 0; i < binds.size(); ++i) st.text(int(i + 1), binds[i]);
}


}  // namespace

// The statements every insert runs, prepared once (preparing them was a fifth of a stored run's
// cost), and the ids of the metric sets already written: a sweep's runs share a few. (Configs are
// not kept: a sweep's are all different.) The ids are forgotten on rollback.
struct ResultStore::Prepared {
  std::optional<Statement> config_ins, config_get, set_ins, set_get, run_ins;
  std::unordered_map<std::string, int64_t> set_ids;
  // The statement, prepared the first time and reset (bindings cleared) after.
  static Statement& use(std::optional<Statement>& st, sqlite3* db, const char* sql, const std::string& path) {
    if (!st) st.emplace(db, sql, path);
    sqlite3_reset(st->s);
    sqlite3_clear_bindings(st->s);
    return *st;
  }
  void forget() { set_ids.clear(); }
};

struct ResultStore::Codec {
  z_stream z{};
  Codec() {
    // Raw deflate (no zlib header: the frame has its own), the best ratio: a run is written once.
    if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("zlib: deflateInit2 failed (out of memory)");
  }
  ~Codec() { deflateEnd(&z); }
  std::string frame(const std::string& text) {
    const std::string_view dict = dictionary(1);
    deflateReset(&z);
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dict.data()), uInt(dict.size()));
    std::string out(kFrameHeader + deflateBound(&z, uLong(text.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = uInt(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data()) + kFrameHeader;
    z.avail_out = uInt(out.size() - kFrameHeader);
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
    out.resize(out.size() - z.avail_out);
    out[0] = kFrameMagic;
    out[1] = 1;
    put_u32(out, 2, uint32_t(text.size()));
    put_u32(out, 6, frame_crc(out));
    return out;
  }
};

std::string default_store_path() {
  if (const char* e = std::getenv("GEMMSCOPE_DB")) return e;
  std::string base;
  if (const char* x = std::getenv("XDG_DATA_HOME")) base = x;
  else if (const char* h = std::getenv("HOME")) base = std::string(h) + "/.local/share";
  else base = "/tmp";
  return base + "/gemmscope/results.sqlite";
}

ResultStore::ResultStore(const std::string& path, StoreAccess access) : path_(path) {
  const bool uri = path.rfind("file:", 0) == 0;  // SQLite URIs ("file:x.sqlite?mode=ro") pass through
  const bool read_only = access == StoreAccess::read_only;
  if (!uri && !read_only) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
    }
  }
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_FULLMUTEX |
                    (uri ? SQLITE_OPEN_URI : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("store " + path + ": cannot open (" + msg + ")");
  }
  sqlite3_busy_timeout(db_, 5000);
  writable_ = sqlite3_db_readonly(db_, "main") == 0;
  try {
    std::string schema;
    {
      // A first read: a file that is not SQLite fails here, before anything is written to it.
      Statement probe(db_, "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'", path_);
      if (sqlite3_step(probe.s) == SQLITE_ROW) {
        Statement get(db_, "SELECT value FROM meta WHERE key='schema'", path_);
        if (sqlite3_step(get.s) == SQLITE_ROW) schema = get.column_text(0);
      }
    }
    if (!schema.empty() && schema != kSchema && schema != kSchema1)
      throw std::runtime_error("store " + path_ + ": schema '" + schema + "' is not " + kSchema + " (nor " + kSchema1 + ", which is upgraded)");
    // WAL: each committed run survives the process being killed at any point after it.
    if (writable_) exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", path_);
    if (schema == kSchema1) {
      schema_version_ = 1;
      if (writable_) upgrade_from_schema_1();
      else
        notices_.push_back("store " + path_ + ": schema " + kSchema1 + " (before compressed runs), opened read-only: read as it is, not upgraded; open it writable to upgrade it");
    } else if (writable_) {
      // An index added since the store was made is built now and given statistics of its own, so
      // the planner weighs it against the others (which keep theirs).
      bool had_id_index = false;
      {
        Statement probe(db_, "SELECT 1 FROM sqlite_master WHERE type='index' AND name='runs_by_id'", path_);
        had_id_index = sqlite3_step(probe.s) == SQLITE_ROW;
      }
      create_schema();
      if (!had_id_index && !schema.empty()) exec(db_, "ANALYZE runs_by_id", path_);
      if (schema.empty()) exec(db_, std::string("INSERT OR IGNORE INTO meta VALUES('schema','") + kSchema + "')", path_);
      refresh_statistics();
    } else if (schema.empty()) {
      throw std::runtime_error("store " + path_ + ": read-only and not a gemmscope store (no schema); choose another with --db");
    }
  } catch (const std::runtime_error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    const std::string msg = e.what();
    if (msg.find("not a database") != std::string::npos || msg.find("malformed") != std::string::npos)
      throw std::runtime_error("store " + path_ + ": the file is not a gemmscope store (not an SQLite database); choose another with --db");
    throw;
  }
}

ResultStore::~ResultStore() {
  prepared_.reset();
  sqlite3_close(db_);
}

// The planner picks among the filter indexes by their statistics. A store written by inserts has
// none, and those of a small store mislead it once the store is large: they are taken again when
// the store has doubled since (meta 'statistics_runs'), so a store growing to a million runs pays
// about twice the last one (0.7 s at a million, on the session's thread). Sampled statistics
// (analysis_limit) are no use here: the first entries of an index hold one value.
void ResultStore::refresh_statistics() {
  Statement rows(db_, "SELECT COALESCE(MAX(id), 0) FROM runs", path_);
  if (sqlite3_step(rows.s) != SQLITE_ROW || rows.int_at(0) < 1000) return;
  const int64_t n = rows.int_at(0);
  int64_t known = 0;
  Statement stat(db_, "SELECT value FROM meta WHERE key='statistics_runs'", path_);
  if (sqlite3_step(stat.s) == SQLITE_ROW) known = std::atoll(stat.column_text(0).c_str());
  if (2 * known >= n) return;
  exec(db_, "ANALYZE runs; INSERT OR REPLACE INTO meta VALUES('statistics_runs','" + std::to_string(n) + "')", path_);
}

void ResultStore::create_schema() {
  exec(db_,
       std::string("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
                   // A config is stored once however many runs it has (sweeps repeat them).
                   "CREATE TABLE IF NOT EXISTS configs(id INTEGER PRIMARY KEY, config_name TEXT NOT NULL, config_json TEXT NOT NULL,"
                   " UNIQUE(config_json, config_name));"
                   // The names, units and sources of a run's metrics, once per distinct set; a run keeps its values.
                   "CREATE TABLE IF NOT EXISTS metric_sets(id INTEGER PRIMARY KEY, names_json TEXT NOT NULL UNIQUE);"
                   "CREATE TABLE IF NOT EXISTS devices(name TEXT PRIMARY KEY, spec_json TEXT NOT NULL, updated_at TEXT);"
                   "CREATE TABLE IF NOT EXISTS cards(hash TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT, card_text TEXT NOT NULL,"
                   " source_text TEXT NOT NULL, created_at TEXT);") +
           kRunsTable + kRunsIndexes,
       path_);
}

// Schema 1 kept each run as JSON text (2.8 KB a run) beside a metrics table. The upgrade copies
// the file first (VACUUM INTO: a consistent copy even with a WAL beside it), then rewrites every
// run in one transaction: a failure rolls it all back, and the store is read as it was.
void ResultStore::upgrade_from_schema_1() {
  const std::string file = sqlite3_db_filename(db_, "main");
  std::string backup = file + ".schema1-backup";
  for (int i = 2; std::filesystem::exists(backup); ++i) backup = file + ".schema1-backup-" + std::to_string(i);
  {
    Statement copy(db_, "VACUUM INTO ?", path_);
    copy.text(1, backup);
    if (sqlite3_step(copy.s) != SQLITE_DONE)
      throw std::runtime_error("store " + path_ + ": schema 1 needs an upgrade, and its backup " + backup + " could not be written (" +
                               sqlite3_errmsg(db_) + "); the store is unchanged");
  }
  int64_t runs = 0, kept = 0;
  try {
    exec(db_, "BEGIN IMMEDIATE", path_);
    {
      // Another process may have upgraded it while this one waited for the write lock.
      Statement again(db_, "SELECT value FROM meta WHERE key='schema'", path_);
      if (sqlite3_step(again.s) == SQLITE_ROW && again.column_text(0) == kSchema) {
        exec(db_, "ROLLBACK", path_);
        std::error_code ignored;
        std::filesystem::remove(backup, ignored);
        schema_version_ = 2;
        return;
      }
    }
    exec(db_,
         "DROP INDEX IF EXISTS runs_by_problem; DROP INDEX IF EXISTS runs_by_sweep; DROP INDEX IF EXISTS runs_by_family;"
         " DROP INDEX IF EXISTS runs_by_device; ALTER TABLE runs RENAME TO runs_schema1;",
         path_);
    create_schema();
    Statement old(db_, "SELECT id, sweep, result_json, created_at, family, problem, device, disposition, ms_median, tflops, gbps, rel_error"
                       " FROM runs_schema1 ORDER BY id", path_);
    int rc;
    while ((rc = sqlite3_step(old.s)) == SQLITE_ROW) {
      const int64_t id = old.int_at(0);
      ++runs;
      std::optional<RunResult> r;
      try {
        r = legacy_result(old.column_text(2), id);
      } catch (const std::exception&) {
        // Unreadable, and the only failure that does not stop the upgrade.
      }
      if (r) {
        write_run(*r, old.column_text(1), id);
      } else {
        // Kept as it was (its text and schema 1's columns), so it is still listed and reported.
        ++kept;
        Statement ins(db_, "INSERT INTO runs(id, sweep, result_json, created_at, family, problem, device, disposition, ms_median, tflops,"
                           " gbps, rel_error) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", path_);
        ins.integer(1, id);
        for (int c = 1; c < 8; ++c) ins.text(c + 1, old.column_text(c));
        for (int c = 8; c < 12; ++c) ins.real(c + 1, old.real_at(c));
        if (sqlite3_step(ins.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
      }
    }
    if (rc != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
    // Ids are never reused: the new table continues the old one's sequence.
    exec(db_,
         "UPDATE sqlite_sequence SET seq=max(seq, (SELECT seq FROM sqlite_sequence WHERE name='runs_schema1')) WHERE name='runs';"
         " DROP TABLE runs_schema1; DROP TABLE IF EXISTS metrics;"
         " UPDATE meta SET value='" + std::string(kSchema) + "' WHERE key='schema'; COMMIT;",
         path_);
    prepared_.reset();  // prepared against the tables of the upgrade's transaction
  } catch (const std::exception& e) {
    prepared_.reset();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    writable_ = false;  // schema 2 code does not write schema 1's layout
    notices_.push_back("store " + path_ + ": the upgrade from " + kSchema1 + " failed and was rolled back (" + e.what() +
                       "): the store is unchanged and read as it is, read-only; a copy is in " + backup);
    return;
  }
  schema_version_ = 2;
  // The old layout's pages are free now; VACUUM gives them back to the disk (best effort).
  const bool vacuumed = sqlite3_exec(db_, "VACUUM;", nullptr, nullptr, nullptr) == SQLITE_OK;
  refresh_statistics();
  notices_.push_back("store " + path_ + ": upgraded from " + kSchema1 + " to " + kSchema + " (" + std::to_string(runs) + " runs" +
                     (kept ? ", " + std::to_string(kept) + " unreadable ones kept as they were" : "") +
                     (vacuumed ? "" : "; the file was not compacted: " + std::string(sqlite3_errmsg(db_))) +
                     "); the old store is kept as " + backup);
}

int64_t ResultStore::config_id(const RunResult& r) {
  if (!prepared_) prepared_ = std::make_unique<Prepared>();
  const std::string json = to_json(r.config).dump();
  Statement& ins = Prepared::use(prepared_->config_ins, db_, "INSERT OR IGNORE INTO configs(config_name, config_json) VALUES(?,?)", path_);
  ins.text(1, r.config_name);
  ins.text(2, json);
  if (sqlite3_step(ins.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
  Statement& get = Prepared::use(prepared_->config_get, db_, "SELECT id FROM configs WHERE config_json=? AND config_name=?", path_);
  get.text(1, json);
  get.text(2, r.config_name);
  if (sqlite3_step(get.s) != SQLITE_ROW) throw std::runtime_error("store " + path_ + ": the config of " + r.config_name + " was not stored");
  const int64_t id = get.int_at(0);
  sqlite3_reset(get.s);  // a statement left on a row holds its read snapshot, and the WAL could not be checkpointed
  return id;
}

std::optional<int64_t> ResultStore::metric_set_id(const RunResult& r) {
  if (r.metrics.empty()) return std::nullopt;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [name, m] : r.metrics) names.push_back({name, m.unit, m.source});
  const std::string text = names.dump();
  if (!prepared_) prepared_ = std::make_unique<Prepared>();
  if (auto it = prepared_->set_ids.find(text); it != prepared_->set_ids.end()) return it->second;
  Statement& ins = Prepared::use(prepared_->set_ins, db_, "INSERT OR IGNORE INTO metric_sets(names_json) VALUES(?)", path_);
  ins.text(1, text);
  if (sqlite3_step(ins.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
  Statement& get = Prepared::use(prepared_->set_get, db_, "SELECT id FROM metric_sets WHERE names_json=?", path_);
  get.text(1, text);
  if (sqlite3_step(get.s) != SQLITE_ROW) throw std::runtime_error("store " + path_ + ": the metric set of a run was not stored");
  const int64_t id = get.int_at(0);
  sqlite3_reset(get.s);
  if (prepared_->set_ids.size() > 1000) prepared_->set_ids.clear();  // bounded whatever the store holds
  prepared_->set_ids.emplace(text, id);
  return id;
}

// One run into schema 2's tables, inside the caller's transaction.
int64_t ResultStore::write_run(const RunResult& r, const std::string& sweep_tag, std::optional<int64_t> id) {
  const int64_t config = config_id(r);
  const std::optional<int64_t> set = metric_set_id(r);
  std::string frame;
  {
    std::lock_guard lock(codec_mu_);
    if (!codec_) codec_ = std::make_unique<Codec>();
    frame = codec_->frame(cold_part(r));
  }
  Statement& ins = Prepared::use(prepared_->run_ins, db_,
                "INSERT INTO runs(id, created_at, sweep, family, problem, device, card, config_id, disposition, ms_median, tflops, gbps,"
                " rel_error, checked, mismatches, nonfinite, arch, build, reason, ms_min, ms_max, reps, l2_flushed, max_abs_error,"
                " registers, static_smem, dynamic_smem, grid_size, block_size, occupancy, metric_set, metric_values, result_json)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                path_);
  if (id) ins.integer(1, *id);
  else ins.null(1);
  ins.text(2, r.created_at);
  ins.text(3, sweep_tag);
  ins.text(4, r.config.family);
  ins.text(5, problem_name(r.config.shape));
  ins.text(6, r.device);
  ins.text(7, r.card_hash);
  ins.integer(8, config);
  ins.text(9, to_string(r.disposition));
  ins.real(10, r.ms_median);
  ins.real(11, r.tflops);
  ins.real(12, r.gbps);
  ins.real(13, r.verify.rel_fro_error);
  ins.integer(14, r.verify.checked);
  ins.integer(15, r.verify.mismatches);
  ins.integer(16, r.verify.nonfinite);
  ins.text(17, r.arch);
  ins.text(18, r.commit);
  ins.text(19, r.reason);
  ins.real(20, r.ms_min);
  ins.real(21, r.ms_max);
  ins.integer(22, r.reps);
  ins.integer(23, r.l2_flushed);
  ins.real(24, r.verify.max_abs_error);
  ins.integer(25, r.registers);
  ins.integer(26, r.static_smem);
  ins.integer(27, r.dynamic_smem);
  ins.integer(28, r.grid_size);
  ins.integer(29, r.block_size);
  ins.real(30, r.occupancy_theoretical);
  if (set) {
    std::vector<double> values;
    for (const auto& [name, m] : r.metrics) values.push_back(m.value);
    ins.integer(31, *set);
    ins.blob(32, encode_doubles(values));
  } else {
    ins.null(31), ins.null(32);
  }
  ins.blob(33, frame);
  if (sqlite3_step(ins.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
  return sqlite3_last_insert_rowid(db_);
}

int64_t ResultStore::insert(const RunResult& r, const std::string& sweep_tag) {
  if (!writable_) throw std::runtime_error("store " + path_ + ": opened read-only, so the run cannot be stored");
  exec(db_, "BEGIN IMMEDIATE", path_);
  try {
    const int64_t id = write_run(r, sweep_tag, std::nullopt);
    exec(db_, "COMMIT", path_);
    return id;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    if (prepared_) prepared_->forget();  // ids written in the rolled-back transaction are gone
    throw;
  }
}

void ResultStore::scan(const StoreQuery& q, const std::function<void(RunResult&&)>& row, std::vector<std::string>& bad_rows,
                       ScanDetail detail) const {
  auto [sql, binds] = where(q, schema_version_, true);
  sql = std::string("SELECT ") + (schema_version_ == 1 ? "r.id, r.result_json" : kScanColumns) + " FROM runs r" + sql + order_and_page(q);
  Statement st(db_, sql, path_);
  bind_all(st, binds);
  ScanCache cache;
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    const int64_t id = st.int_at(0);
    RunResult r;
    try {
      r = schema_version_ == 1 ? legacy_result(st.column_text(1), id) : decode_row(st, detail, db_, path_, cache);
    } catch (const std::exception& e) {
      bad_rows.push_back("run " + std::to_string(id) + ": " + e.what());
      continue;
    }
    row(std::move(r));
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

void ResultStore::scan_json(const StoreQuery& q, const std::function<void(const std::string&)>& row,
                            std::vector<std::string>& bad_rows) const {
  auto [sql, binds] = where(q, schema_version_, true);
  sql = std::string("SELECT ") + (schema_version_ == 1 ? "r.id, r.result_json" : kScanColumns) + " FROM runs r" + sql + order_and_page(q);
  Statement st(db_, sql, path_);
  bind_all(st, binds);
  ScanCache cache;
  std::string text;
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    const int64_t id = st.int_at(0);
    text.clear();
    try {
      if (schema_version_ == 1 || sqlite3_column_type(st.s, kResult) == SQLITE_TEXT) {
        text = to_json(schema_version_ == 1 ? legacy_result(st.column_text(1), id) : legacy_result(st.column_text(kResult), id)).dump(2);
      } else {
        const RunResult columns = decode_row(st, ScanDetail::columns, db_, path_, cache);
        const std::string cold = cache.inflater.inflate_frame(st.column_blob(kResult));
        // A cold part this merge does not read (never written by this build) goes the long way.
        if (!append_stored_run_json(text, columns, cold)) text = to_json(decode_row(st, ScanDetail::full, db_, path_, cache)).dump(2);
      }
    } catch (const std::exception& e) {
      bad_rows.push_back("run " + std::to_string(id) + ": " + e.what());
      continue;
    }
    row(text);
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

QueryResult ResultStore::query(const StoreQuery& q) const {
  QueryResult out;
  scan(q, [&](RunResult&& r) { out.runs.push_back(std::move(r)); }, out.bad_rows);
  return out;
}

namespace {
// The page query's SQL: light rows, for either layout (schema 1 reads what it lacks from the JSON).
std::string page_sql(const StoreQuery& q, int schema, std::vector<std::string>& binds) {
  auto [where_sql, b] = where(q, schema, true);
  binds = std::move(b);
  if (schema == 1)
    return "SELECT r.id, r.created_at, r.sweep, r.family, r.problem, r.device, json_extract(r.result_json,'$.card_hash'), r.config_name,"
           " r.disposition, r.ms_median, r.tflops, r.gbps, r.rel_error, json_extract(r.result_json,'$.verify.checked'),"
           " json_extract(r.result_json,'$.verify.mismatches'), json_extract(r.result_json,'$.verify.nonfinite'),"
           " json_extract(r.result_json,'$.reason') FROM runs r" +
           where_sql + order_and_page(q);
  return "SELECT r.id, r.created_at, r.sweep, r.family, r.problem, r.device, r.card, c.config_name, r.disposition, r.ms_median,"
         " r.tflops, r.gbps, r.rel_error, r.checked, r.mismatches, r.nonfinite, r.reason FROM runs r LEFT JOIN configs c ON c.id=r.config_id" +
         where_sql + order_and_page(q);
}
}  // namespace

// The row before row `offset` of the query's order (its id), or nullopt past the end. It walks ids
// alone (an index that covers the filter, or runs_by_id), never the rows: OFFSET in the page query
// itself read and joined every row it skipped (363 ms to the last page of 970k runs). And it keeps
// the id before every kRung-th row of the view as jumps go deeper (a view's ladder, until a run is
// added), so a later jump walks at most kRung ids: dragging History's scrollbar asks for a page a
// frame, each a jump.
std::optional<int64_t> ResultStore::row_before(const StoreQuery& q) const {
  constexpr int64_t kRung = 1000;
  const bool hide_date = date_walk_is_slower(q);
  const auto [where_sql, binds] = where(q, schema_version_, false, hide_date);
  const auto [rung_sql, rung_binds] = where(q, schema_version_, true, hide_date, ":after");
  StoreQuery order = q;
  order.limit = order.offset = 0;
  const std::string tail = order_and_page(order) + " LIMIT 1 OFFSET :skip";
  Statement from_top(db_, "SELECT r.id FROM runs r" + where_sql + tail, path_);
  Statement from_rung(db_, "SELECT r.id FROM runs r" + rung_sql + tail, path_);
  // The id `skip` rows past the row of id `start` (past the top when start is 0), or 0 past the end.
  auto walk = [&](int64_t start, int64_t skip) -> int64_t {
    Statement& st = start ? from_rung : from_top;
    sqlite3_reset(st.s);
    bind_all(st, start ? rung_binds : binds);
    if (start) st.integer(sqlite3_bind_parameter_index(st.s, ":after"), start);
    st.integer(sqlite3_bind_parameter_index(st.s, ":skip"), skip);
    const int rc = sqlite3_step(st.s);
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
    return st.int_at(0);
  };
  std::string key = where_sql + (q.newest_first ? "|desc" : "|asc");
  for (const auto& b : binds) key += '\x1f' + b;
  Statement newest(db_, "SELECT COALESCE(MAX(id), 0) FROM runs", path_);
  const int64_t max_id = sqlite3_step(newest.s) == SQLITE_ROW ? newest.int_at(0) : 0;
  std::lock_guard lock(walk_mu_);
  if (ladders_.size() >= 16 && !ladders_.count(key)) ladders_.clear();
  Ladder& ladder = ladders_[key];
  if (ladder.max_id != max_id) ladder = {max_id, {}};
  const int64_t target = q.offset - 1;  // the row before the page
  if (hide_date && !ladder.complete) {
    // The other filter's matches are sorted by date for every walk: one pass over them makes the
    // whole ladder (22k runs of a week's 150k: 60 ms, where a hop a rung took 15 ms each).
    // "+created_at": with no LIMIT the planner walked the whole date index to skip the sort (171 ms).
    const std::string dir = q.newest_first ? " DESC" : "";
    Statement all(db_, "SELECT r.id FROM runs r" + where_sql + " ORDER BY +r.created_at" + dir + ", r.id" + dir, path_);
    bind_all(all, binds);
    int rc;
    for (int64_t row = 0; (rc = sqlite3_step(all.s)) == SQLITE_ROW; ++row)
      if ((row + 1) % kRung == 0) ladder.rungs.push_back(all.int_at(0));
    if (rc != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
    ladder.complete = true;
  }
  // Down the rungs known, then hop a rung at a time to the target's, keeping each.
  int64_t k = std::min<int64_t>(target / kRung, int64_t(ladder.rungs.size()));
  int64_t start = k ? ladder.rungs[size_t(k - 1)] : 0;  // ids are positive
  for (; k < target / kRung; ++k) {
    if (ladder.complete) return std::nullopt;  // past the view's end
    start = walk(start, kRung - 1);
    if (!start) return std::nullopt;
    ladder.rungs.push_back(start);
  }
  // Rung k is row k*kRung - 1, above the target (k*kRung <= target).
  const int64_t id = start ? walk(start, target - (k * kRung - 1) - 1) : walk(0, target);
  return id ? std::optional<int64_t>(id) : std::nullopt;
}

std::vector<RunRow> ResultStore::page(const StoreQuery& query) const {
  StoreQuery q = query;
  if (q.offset > 0 && !q.after) {
    const std::optional<int64_t> before = row_before(q);
    if (!before) return {};
    q.after = before;
    q.offset = 0;
  }
  std::vector<std::string> binds;
  Statement st(db_, page_sql(q, schema_version_, binds), path_);
  bind_all(st, binds);
  std::vector<RunRow> rows;
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    RunRow r;
    r.id = st.int_at(0);
    r.created_at = st.column_text(1);
    r.sweep = st.column_text(2);
    r.family = st.column_text(3);
    r.problem = st.column_text(4);
    r.device = st.column_text(5);
    r.card = st.column_text(6);
    r.config_name = st.column_text(7);
    r.disposition = parse_disposition(st.column_text(8));
    r.ms_median = st.real_at(9);
    r.tflops = st.real_at(10);
    r.gbps = st.real_at(11);
    r.rel_error = st.real_at(12);
    if (st.int_at(13) != 0) r.allclose = st.int_at(14) == 0 && st.int_at(15) == 0;
    r.reason = st.column_text(16);
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
  return rows;
}

// A date range with another filter: the planner walks the date index for its order, reading each
// row in the range to check the other filter (a week of a million runs: 150k rows, 123 ms to the
// last page), even when the other filter's index holds fewer rows, whose matches are then sorted
// (23k rows: 50 ms). Which walk is shorter is counted once per filter and remembered.
bool ResultStore::date_walk_is_slower(const StoreQuery& q) const {
  const bool others = !q.family.empty() || !q.problem.empty() || !q.device.empty() || !q.sweep.empty() || !q.card.empty() || q.passed_only;
  if (!by_date(q) || !others || schema_version_ != 2) return false;
  const auto [sql, binds] = where(q, schema_version_, false);
  std::string key = sql;
  for (const auto& b : binds) key += '\x1f' + b;
  {
    std::lock_guard lock(walk_mu_);
    if (auto it = walk_choice_.find(key); it != walk_choice_.end()) return it->second;
  }
  StoreQuery dates, rest = q;
  dates.from = q.from, dates.to = q.to;
  rest.from.clear(), rest.to.clear();
  const bool slower = count(rest) < count(dates);
  std::lock_guard lock(walk_mu_);
  if (walk_choice_.size() >= 256) walk_choice_.clear();
  walk_choice_[key] = slower;
  return slower;
}

int64_t ResultStore::count(const StoreQuery& q) const {
  const auto [sql, binds] = where(q, schema_version_, false);
  Statement st(db_, "SELECT COUNT(*) FROM runs r" + sql, path_);
  bind_all(st, binds);
  if (sqlite3_step(st.s) != SQLITE_ROW) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
  return st.int_at(0);
}

std::string ResultStore::query_plan(const StoreQuery& q) const {
  std::vector<std::string> binds;
  Statement st(db_, "EXPLAIN QUERY PLAN " + page_sql(q, schema_version_, binds), path_);
  bind_all(st, binds);
  std::string plan;
  while (sqlite3_step(st.s) == SQLITE_ROW) plan += st.column_text(3) + "\n";
  return plan;
}

std::vector<std::string> ResultStore::distinct(const std::string& column) const {
  static const std::vector<std::string> allowed = {"family", "problem", "device", "sweep", "card"};
  if (std::find(allowed.begin(), allowed.end(), column) == allowed.end())
    throw std::invalid_argument("store " + path_ + ": '" + column + "' is not a filter column (family, problem, device, sweep, card)");
  std::string sql;
  if (schema_version_ == 1 && column == "card") {
    sql = "SELECT DISTINCT json_extract(result_json,'$.card_hash') AS x FROM runs WHERE x<>'' ORDER BY x";
  } else {
    // A skip scan: one index seek per distinct value, never a walk over every run.
    sql = "WITH RECURSIVE v(x) AS (SELECT MIN(" + column + ") FROM runs WHERE " + column + ">''" + " UNION ALL SELECT (SELECT MIN(" +
          column + ") FROM runs WHERE " + column + ">v.x) FROM v WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL";
  }
  Statement st(db_, sql, path_);
  std::vector<std::string> out;
  while (sqlite3_step(st.s) == SQLITE_ROW) out.push_back(st.column_text(0));
  return out;
}

namespace {
bool filtered(const StoreQuery& q) {
  return !q.family.empty() || !q.problem.empty() || !q.device.empty() || !q.sweep.empty() || !q.card.empty() || !q.from.empty() ||
         !q.to.empty() || q.passed_only;
}
}  // namespace

std::vector<std::string> ResultStore::families(const StoreQuery& q) const {
  if (!filtered(q)) return distinct("family");
  const auto [sql, binds] = where(q, schema_version_, false);
  Statement st(db_, "SELECT DISTINCT r.family FROM runs r" + sql + " ORDER BY r.family", path_);
  bind_all(st, binds);
  std::vector<std::string> out;
  while (sqlite3_step(st.s) == SQLITE_ROW) out.push_back(st.column_text(0));
  return out;
}

std::vector<std::string> ResultStore::metric_names(const StoreQuery& q) const {
  const auto [sql, binds] = where(q, schema_version_, false);
  std::vector<std::string> out;
  if (schema_version_ == 1) {
    Statement st(db_, "SELECT DISTINCT m.name FROM metrics m JOIN runs r ON r.id = m.run_id" + sql + " ORDER BY m.name", path_);
    bind_all(st, binds);
    while (sqlite3_step(st.s) == SQLITE_ROW) out.push_back(st.column_text(0));
    return out;
  }
  // Unfiltered, every stored set belongs to some run (a set is written with its run, and runs are
  // never deleted), so the sets table answers without reading the runs.
  Statement st(db_,
               filtered(q) ? "SELECT names_json FROM metric_sets WHERE id IN (SELECT DISTINCT r.metric_set FROM runs r" + sql + ")"
                           : std::string("SELECT names_json FROM metric_sets"),
               path_);
  bind_all(st, binds);
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    try {
      for (const auto& m : nlohmann::json::parse(st.column_text(0))) out.push_back(m.at(0));
    } catch (const std::exception&) {
      // A damaged set is reported by the rows that use it; it adds no column here.
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<RunResult> ResultStore::get(int64_t id) const {
  Statement st(db_, std::string("SELECT ") + (schema_version_ == 1 ? "r.id, r.result_json" : kScanColumns) + " FROM runs r WHERE r.id=?", path_);
  st.integer(1, id);
  if (sqlite3_step(st.s) != SQLITE_ROW) return std::nullopt;
  try {
    ScanCache cache;
    return schema_version_ == 1 ? legacy_result(st.column_text(1), id) : decode_row(st, ScanDetail::full, db_, path_, cache);
  } catch (const std::exception& e) {
    throw std::runtime_error("store " + path_ + ": run " + std::to_string(id) + " is unreadable (" + e.what() + ")");
  }
}

std::vector<std::string> ResultStore::sweep_tags() const { return distinct("sweep"); }

void ResultStore::set_baseline(std::optional<int64_t> id) {
  if (!writable_) throw std::runtime_error("store " + path_ + ": opened read-only, so the baseline cannot be saved");
  if (!id) {
    exec(db_, "DELETE FROM meta WHERE key='baseline'", path_);
    return;
  }
  Statement st(db_, "INSERT OR REPLACE INTO meta VALUES('baseline', ?)", path_);
  st.text(1, std::to_string(*id));
  if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

std::optional<int64_t> ResultStore::baseline() const {
  Statement st(db_, "SELECT value FROM meta WHERE key='baseline'", path_);
  if (sqlite3_step(st.s) != SQLITE_ROW) return std::nullopt;
  try {
    return std::stoll(st.column_text(0));
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged baseline entry is no baseline
  }
}

void ResultStore::remember_device(const GpuSpec& spec) {
  if (!writable_ || spec.name.empty()) return;
  Statement st(db_, "INSERT OR REPLACE INTO devices(name, spec_json, updated_at) VALUES(?,?,?)", path_);
  st.text(1, spec.name);
  st.text(2, to_json(spec).dump());
  st.text(3, utc_now());
  if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

std::vector<GpuSpec> ResultStore::device_specs() const {
  std::vector<GpuSpec> v;
  Statement probe(db_, "SELECT name FROM sqlite_master WHERE type='table' AND name='devices'", path_);
  if (sqlite3_step(probe.s) != SQLITE_ROW) return v;  // a read-only store from before the table existed
  Statement st(db_, "SELECT name, spec_json FROM devices ORDER BY name", path_);
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    try {
      GpuSpec s = spec_from_json(nlohmann::json::parse(st.column_text(1)), "stored");
      v.push_back(std::move(s));
    } catch (const std::exception&) {
      // A spec that no longer reads is skipped: its runs fall back to the spec files.
    }
  }
  return v;
}

void ResultStore::remember_card(const KernelCard& c) {
  if (!writable_) return;
  Statement st(db_, "INSERT OR IGNORE INTO cards(hash, name, path, card_text, source_text, created_at) VALUES(?,?,?,?,?,?)", path_);
  st.text(1, c.hash);
  st.text(2, c.name);
  st.text(3, c.path);
  st.text(4, c.card_text);
  st.text(5, c.source_text);
  st.text(6, utc_now());
  if (sqlite3_step(st.s) != SQLITE_DONE) throw std::runtime_error("store " + path_ + ": " + sqlite3_errmsg(db_));
}

std::vector<ResultStore::StoredCard> ResultStore::stored_cards() const {
  std::vector<StoredCard> v;
  Statement probe(db_, "SELECT name FROM sqlite_master WHERE type='table' AND name='cards'", path_);
  if (sqlite3_step(probe.s) != SQLITE_ROW) return v;
  Statement st(db_, "SELECT hash, name, path, card_text, source_text, created_at FROM cards ORDER BY rowid", path_);
  while (sqlite3_step(st.s) == SQLITE_ROW)
    v.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4), st.column_text(5)});
  return v;
}

std::vector<std::string> register_cards_of(const ResultStore& store) {
  std::map<std::string, ResultStore::StoredCard> newest;
  for (auto& c : store.stored_cards()) newest[c.name] = std::move(c);
  std::vector<std::string> errors;
  for (const auto& [name, c] : newest) {
    if (find_family("card:" + name)) continue;
    try {
      register_family(make_card_family(std::make_shared<const KernelCard>(parse_kernel_card(c.card_text, c.path, c.source_text))));
    } catch (const std::exception& e) {
      errors.push_back("a stored version of card " + name + " no longer reads: " + e.what());
    }
  }
  return errors;
}

}  // namespace gemmscope
