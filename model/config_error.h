// ConfigError: why a config cannot run, naming the value and the rule it breaks.
#pragma once
#include <optional>
#include <string>

namespace gemmscope {

struct ConfigError {
  std::string param;   // "block_m", "threads", "smem", ...
  std::string value;   // the offending value as the user wrote it
  std::string rule;    // the rule, in words, with the limit that applies
  std::string message() const { return param + "=" + value + ": " + rule; }
};

using Check = std::optional<ConfigError>;

}  // namespace gemmscope
