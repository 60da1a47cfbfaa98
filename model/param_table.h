// ParamTable: a kernel family's tunables as data, declared once. Every layer reads the same rows:
// a config's values and canonical name, the JSON codecs, the CSV columns, the CLI's --set, the
// GUI controls and the sweep axes. A kernel card is the same rows written by a user.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gemmscope {

struct ProblemShape;
struct GpuSpec;

enum class ParamKind { Integer, Enum, Bool };

// What a parameter does to the kernel, so that the advisor can change the right one in any family
// or card: the tile of C a block (program) computes, the K step, the split of K over the grid, the
// pipeline depth, the threads or warps of a block, the register tile of a thread, the arithmetic.
enum class ParamRole { Other, TileM, TileN, TileK, SplitK, Stages, Threads, Warps, ThreadM, ThreadN, Precision, Swizzle, GridOrder, Reduction };
std::string to_string(ParamRole);
// "tile_m" ... as cards write it; nullopt for an unknown word.
std::optional<ParamRole> parse_role(const std::string&);
// The role a parameter's name implies (block_m, BLOCK_SIZE_M, BM: TileM; SPLIT_K: SplitK;
// num_stages: Stages; num_warps: Warps ...); Other when the name says nothing.
ParamRole role_for_name(const std::string&);
// Every role's card word, for messages: "tile_m, tile_n, ...".
std::string role_words();

struct ParamDecl {
  std::string name;                 // "block_m": the key in configs, JSON, CSV, --set and sweep axes
  ParamKind kind = ParamKind::Integer;
  std::string description;          // one line, for tooltips and --help
  // The values a control offers. Empty for an integer range (split_k): any value in [min, max].
  std::vector<int> values;
  int min = 1, max = 1;             // the range when `values` is empty
  std::vector<std::pair<int, std::string>> labels;  // Enum and Bool: every value's name ("atomic")
  bool power_of_two = false;        // a rule checked for every value, offered or typed
  int default_value = 0;
  std::vector<int> sweep;           // the default sweep's values
  // The fragment this parameter adds to the config name, before its value ("_t" gives "_t256");
  // empty: the parameter does not appear in the name.
  std::string fragment;
  ParamRole role = ParamRole::Other;  // set from the name by the builders; a card may name it
  // Where a fixed default or sweep does not serve every problem (split-K counts follow K and the SMs).
  std::function<int(const ProblemShape&)> default_for;
  std::function<std::vector<int>(const ProblemShape&, const GpuSpec&)> sweep_for;

  bool offers(int v) const;                    // in `values`, or in [min, max] for a range
  std::string format(int v) const;             // "atomic", "128"
  std::optional<int> parse(const std::string&) const;  // nullopt when the text names no value
  std::string offered_text() const;            // "16, 32, 64" or "1..1024", for messages
  bool is_range() const { return values.empty(); }
};

using ParamTable = std::vector<ParamDecl>;

// Builders for the rows families declare (a row is plain data: these only fill it in).
ParamDecl integer_param(std::string name, std::vector<int> values, int default_value, std::vector<int> sweep,
                        std::string fragment, std::string description);
ParamDecl pow2_param(std::string name, std::vector<int> values, int default_value, std::vector<int> sweep,
                     std::string fragment, std::string description);
ParamDecl range_param(std::string name, int min, int max, int default_value, std::vector<int> sweep, std::string fragment,
                      std::string description);
ParamDecl enum_param(std::string name, std::vector<std::pair<int, std::string>> labels, std::vector<int> values,
                     int default_value, std::vector<int> sweep, std::string fragment, std::string description);

const ParamDecl* find_param(const ParamTable&, const std::string& name);
// The first parameter with this role, nullptr when the family has none.
const ParamDecl* find_role(const ParamTable&, ParamRole);
std::string param_names(const ParamTable&);  // "block_m, block_n, threads"

// A config's parameter values by name, in the family's declaration order.
class ParamValues {
 public:
  int get(const std::string& name) const;          // throws std::out_of_range naming the parameter
  std::optional<int> find(const std::string& name) const;
  void set(const std::string& name, int value);    // adds it when absent
  bool has(const std::string& name) const { return find(name).has_value(); }
  const std::vector<std::pair<std::string, int>>& items() const { return items_; }
  bool operator==(const ParamValues&) const = default;

 private:
  std::vector<std::pair<std::string, int>> items_;
};

}  // namespace gemmscope
