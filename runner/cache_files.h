// What the on-disk compile caches (NVRTC cubins, Triton cubins) share: a stable 128-bit content
// key, and reading and atomically writing their files.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace gemmscope {

// FNV-1a with two seeds over the parts, each part closed by a separator so ("ab", "c") and
// ("a", "bc") differ. std::hash is not stable across builds; this is.
class ContentKey {
 public:
  ContentKey& add(std::string_view part);
  std::string hex() const;  // 32 hex digits

 private:
  uint64_t a_ = 1469598103934665603ULL, b_ = 7809847782465536322ULL;
};

std::string hex64(uint64_t);
uint64_t fnv1a64(std::string_view);  // one seed: short names (a helper script's version)

// "" when the file cannot be read.
std::string read_file(const std::filesystem::path&);
// Written to a temporary beside it, then renamed, so a reader never sees half a file. False when
// it could not be written (the caller decides whether that matters).
bool write_file_atomically(const std::filesystem::path&, const std::string& data);

}  // namespace gemmscope
