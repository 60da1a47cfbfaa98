#include "app/gui/png_writer.h"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <png.h>

namespace gemmscope {

namespace {

// libpng reports errors by longjmp; this keeps its message for the caller.
void on_png_error(png_structp png, png_const_charp message) {
  auto* error = static_cast<std::string*>(png_get_error_ptr(png));
  *error = message;
  png_longjmp(png, 1);
}

// Everything libpng may longjmp out of, with no local state to lose when it does.
bool encode(png_structp png, png_infop info, FILE* f, int width, int height, int channels, const uint8_t* pixels) {
  if (setjmp(png_jmpbuf(png)) != 0) return false;
  png_init_io(png, f);
  png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8, channels == 4 ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const size_t stride = size_t(width) * size_t(channels);
  for (int row = 0; row < height; ++row) png_write_row(png, pixels + size_t(row) * stride);
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

bool write_png(const std::string& path, int width, int height, int channels, const std::vector<uint8_t>& pixels,
               std::string& error) {
  if ((channels != 3 && channels != 4) || width <= 0 || height <= 0 ||
      pixels.size() != size_t(width) * size_t(height) * size_t(channels)) {
    error = "PNG " + path + ": bad image (" + std::to_string(width) + "x" + std::to_string(height) + "x" + std::to_string(channels) +
            ", " + std::to_string(pixels.size()) + " bytes)";
    return false;
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "PNG " + path + ": cannot write (" + std::strerror(errno) + ")";
    return false;
  }
  std::string png_error;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &png_error, on_png_error, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  bool ok = png && info && encode(png, info, f, width, height, channels, pixels.data());
  png_destroy_write_struct(png ? &png : nullptr, info ? &info : nullptr);
  if (std::fclose(f) != 0 && ok) {
    png_error = std::strerror(errno);
    ok = false;
  }
  if (!ok) error = "PNG " + path + ": " + (png_error.empty() ? std::string("libpng could not start") : png_error);
  return ok;
}

}  // namespace gemmscope
