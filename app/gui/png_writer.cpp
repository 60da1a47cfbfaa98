#include "app/gui/png_writer.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>

#ifdef GEMMSCOPE_HAVE_ZLIB
#include <zlib.h>
#endif

namespace gemmscope {
namespace {

uint32_t crc32_of(const uint8_t* data, size_t n, uint32_t crc = 0) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

void chunk(std::vector<uint8_t>& out, const char* type, const std::vector<uint8_t>& data) {
  put32(out, uint32_t(data.size()));
  const size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put32(out, crc32_of(out.data() + start, out.size() - start));
}

// A zlib stream of the raw scanlines.
std::vector<uint8_t> zlib_stream(const std::vector<uint8_t>& raw) {
#ifdef GEMMSCOPE_HAVE_ZLIB
  uLongf size = compressBound(uLong(raw.size()));
  std::vector<uint8_t> packed(size);
  if (compress2(packed.data(), &size, raw.data(), uLong(raw.size()), 6) == Z_OK) {
    packed.resize(size);
    return packed;
  }
#endif
  std::vector<uint8_t> out = {0x78, 0x01};
  size_t pos = 0;
  do {
    const size_t n = std::min<size_t>(65535, raw.size() - pos);
    out.push_back(pos + n == raw.size() ? 1 : 0);  // BFINAL, BTYPE=00 (stored)
    out.push_back(uint8_t(n)), out.push_back(uint8_t(n >> 8));
    out.push_back(uint8_t(~n)), out.push_back(uint8_t((~n) >> 8));
    out.insert(out.end(), raw.begin() + long(pos), raw.begin() + long(pos + n));
    pos += n;
  } while (pos < raw.size());
  uint32_t a = 1, b = 0;  // Adler-32
  for (uint8_t byte : raw) a = (a + byte) % 65521, b = (b + a) % 65521;
  put32(out, (b << 16) | a);
  return out;
}

}  // namespace

bool write_png(const std::string& path, int width, int height, int channels, const std::vector<uint8_t>& pixels,
               std::string& error) {
  if (width <= 0 || height <= 0 || (channels != 3 && channels != 4) ||
      pixels.size() < size_t(width) * size_t(height) * size_t(channels)) {
    error = "bad image for " + path;
    return false;
  }
  const size_t stride = size_t(width) * size_t(channels);
  std::vector<uint8_t> raw;
  raw.reserve((stride + 1) * size_t(height));
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter: none
    raw.insert(raw.end(), pixels.begin() + long(size_t(y) * stride), pixels.begin() + long(size_t(y + 1) * stride));
  }
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  put32(ihdr, uint32_t(width));
  put32(ihdr, uint32_t(height));
  ihdr.insert(ihdr.end(), {8, uint8_t(channels == 4 ? 6 : 2), 0, 0, 0});
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", zlib_stream(raw));
  chunk(png, "IEND", {});
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(png.data()), std::streamsize(png.size()));
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace gemmscope
