#include "runner/cache_files.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace gemmscope {

namespace {

uint64_t fnv1a(std::string_view s, uint64_t h) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

ContentKey& ContentKey::add(std::string_view part) {
  a_ = fnv1a("\x1f", fnv1a(part, a_));
  b_ = fnv1a("\x1f", fnv1a(part, b_));
  return *this;
}

std::string ContentKey::hex() const { return hex64(a_) + hex64(b_); }

std::string hex64(uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", (unsigned long long)v);
  return b;
}

uint64_t fnv1a64(std::string_view s) { return fnv1a("\x1f", fnv1a(s, 1469598103934665603ULL)); }

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write_file_atomically(const std::filesystem::path& p, const std::string& data) {
  std::filesystem::path tmp = p;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(data.data(), std::streamsize(data.size()));
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, p, ec);
  return !ec;
}

}  // namespace gemmscope
