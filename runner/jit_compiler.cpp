#include "runner/jit_compiler.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "kernels/kernel_sources.h"
#include "runner/cache_files.h"
#include "runner/cuda_check.h"

namespace gemmscope {

namespace fs = std::filesystem;

namespace {

// Cubin ELF structures (64-bit little endian), only what we read.
struct ElfHeader {
  unsigned char ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct ElfSection {
  uint32_t name, type;
  uint64_t flags, addr, offset, size;
  uint32_t link, info;
  uint64_t addralign, entsize;
};
struct ElfSymbol {
  uint32_t name;
  unsigned char info, other;
  uint16_t shndx;
  uint64_t value, size;
};

// .nv.info attribute codes (EIATTR_*) that carry resources.
constexpr uint8_t kRegCount = 0x2f, kFrameSize = 0x11, kMaxStackSize = 0x23, kMaxThreads = 0x05;

}  // namespace

std::map<std::string, KernelResources> read_cubin_resources(const std::string& cubin) {
  auto fail = [](const std::string& why) -> std::runtime_error { return std::runtime_error("cubin: " + why); };
  if (cubin.size() < sizeof(ElfHeader) || std::memcmp(cubin.data(), "\x7f" "ELF", 4) != 0) throw fail("not an ELF file");
  ElfHeader h;
  std::memcpy(&h, cubin.data(), sizeof h);
  if (h.ident[4] != 2) throw fail("not a 64-bit ELF");
  if (h.shentsize != sizeof(ElfSection) || h.shoff + uint64_t(h.shnum) * h.shentsize > cubin.size()) throw fail("bad section table");
  std::vector<ElfSection> sec(h.shnum);
  std::memcpy(sec.data(), cubin.data() + h.shoff, h.shnum * sizeof(ElfSection));
  auto in_bounds = [&](const ElfSection& s) { return s.offset + s.size <= cubin.size(); };
  if (h.shstrndx >= h.shnum || !in_bounds(sec[h.shstrndx])) throw fail("bad section names");
  auto sec_name = [&](const ElfSection& s) { return std::string(cubin.data() + sec[h.shstrndx].offset + s.name); };

  // Symbol index -> name, for the attributes that refer to kernels by symbol.
  std::vector<std::string> symbol_names;
  for (const auto& s : sec) {
    if (s.type != 2 /*SHT_SYMTAB*/ || !in_bounds(s) || s.link >= sec.size()) continue;
    const auto& strtab = sec[s.link];
    for (uint64_t off = 0; off + sizeof(ElfSymbol) <= s.size; off += sizeof(ElfSymbol)) {
      ElfSymbol sym;
      std::memcpy(&sym, cubin.data() + s.offset + off, sizeof sym);
      symbol_names.push_back(sym.name < strtab.size ? std::string(cubin.data() + strtab.offset + sym.name) : "");
    }
  }

  std::map<std::string, KernelResources> out;
  // sm_90 cubins lay the driver's 1 KB per-block reservation into each kernel's .nv.shared
  // section (and mark it with .nv.shared.reserved.*); ptxas and the driver report the kernel's
  // own static shared memory without it, and the occupancy calculator adds it separately.
  constexpr int64_t kReservedSmem = 1024;
  bool reserved_in_section = false;
  for (const auto& s : sec) {
    const std::string name = sec_name(s);
    if (name.rfind(".text.", 0) == 0) out[name.substr(6)];  // every kernel gets an entry
    if (name.rfind(".nv.shared.reserved", 0) == 0) reserved_in_section = true;
  }
  for (const auto& s : sec) {
    const std::string name = sec_name(s);
    if (name.rfind(".nv.shared.", 0) == 0 && name.rfind(".nv.shared.reserved", 0) != 0) {
      const std::string fn = name.substr(11);
      if (out.count(fn)) out[fn].static_smem = std::max<int64_t>(0, int64_t(s.size) - (reserved_in_section ? kReservedSmem : 0));
      continue;
    }
    if (name.rfind(".nv.info", 0) != 0 || !in_bounds(s)) continue;
    const std::string fn = name.size() > 9 ? name.substr(9) : "";  // ".nv.info.<kernel>" or global
    const unsigned char* p = reinterpret_cast<const unsigned char*>(cubin.data() + s.offset);
    for (uint64_t i = 0; i + 4 <= s.size;) {
      const uint8_t fmt = p[i], attr = p[i + 1];
      uint16_t size = 0;
      std::memcpy(&size, p + i + 2, 2);
      const uint64_t len = fmt == 0x04 ? 4ull + size : 4ull;  // EIFMT_SVAL carries a payload
      if (i + len > s.size) break;
      const unsigned char* v = p + i + 4;
      if (fmt == 0x04 && size >= 8 && fn.empty() && (attr == kRegCount || attr == kFrameSize || attr == kMaxStackSize)) {
        uint32_t sym = 0, val = 0;
        std::memcpy(&sym, v, 4);
        std::memcpy(&val, v + 4, 4);
        if (sym < symbol_names.size() && out.count(symbol_names[sym])) {
          auto& r = out[symbol_names[sym]];
          if (attr == kRegCount) r.registers = int(val);
          if (attr == kFrameSize || attr == kMaxStackSize) r.local_bytes = std::max<int64_t>(r.local_bytes, val);
        }
      }
      if (fmt == 0x04 && size >= 12 && attr == kMaxThreads && out.count(fn)) {
        uint32_t x = 0, y = 0, z = 0;
        std::memcpy(&x, v, 4), std::memcpy(&y, v + 4, 4), std::memcpy(&z, v + 8, 4);
        out[fn].max_threads = int(x * y * z);
      }
      i += len;
    }
  }
  return out;
}

std::string nvrtc_version() {
  int major = 0, minor = 0;
  nvrtcVersion(&major, &minor);
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string default_jit_cache_dir() {
  if (const char* e = std::getenv("GEMMSCOPE_JIT_CACHE")) return e;
  if (const char* x = std::getenv("XDG_CACHE_HOME")) return std::string(x) + "/gemmscope/jit";
  if (const char* home = std::getenv("HOME")) return std::string(home) + "/.cache/gemmscope/jit";
  return "/tmp/gemmscope-jit";
}

JitCompiler::JitCompiler(std::string cache_dir) : cache_dir_(std::move(cache_dir)) {
  if (!cache_dir_.empty()) {
    std::error_code ec;
    fs::create_directories(cache_dir_, ec);
    if (ec) cache_dir_.clear();  // no cache rather than no compiler
  }
}

CompiledModule JitCompiler::compile(const std::string& source_file, const std::vector<std::string>& options,
                                    const std::string& arch) const {
  const auto src = find_kernel_source(source_file);
  if (!src) throw std::runtime_error("kernel source '" + source_file + "' is not embedded in this build");
  return compile_text(source_file, std::string(*src), options, arch);
}

CompiledModule JitCompiler::compile_text(const std::string& source_file, const std::string& source_text,
                                         const std::vector<std::string>& options, const std::string& arch) const {

  std::vector<std::string> opts = {"--gpu-architecture=" + arch, "--std=c++17", "-lineinfo", "--ptxas-options=--verbose"};
  opts.insert(opts.end(), options.begin(), options.end());

  // Key: the source, every header it may include, the options, the architecture, NVRTC's version.
  ContentKey key;
  key.add(source_file).add(source_text).add(arch).add(nvrtc_version());
  for (const auto& e : embedded_kernel_sources())
    if (e.name.ends_with(".cuh")) key.add(e.name).add(e.text);
  for (const auto& o : opts) key.add(o);
  CompiledModule m;
  m.key = key.hex();

  const std::string context = source_file + " " + arch;
  if (!cache_dir_.empty()) {
    const fs::path cubin = fs::path(cache_dir_) / (m.key + ".cubin");
    if (fs::exists(cubin)) {
      m.cubin = read_file(cubin);
      m.log = read_file(fs::path(cache_dir_) / (m.key + ".log"));
      try {
        m.resources = read_cubin_resources(m.cubin);
        m.cache_hit = true;
        return m;
      } catch (const std::exception&) {
        // A damaged cache entry is recompiled and overwritten.
      }
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> header_names, header_texts;
  for (const auto& e : embedded_kernel_sources())
    if (e.name.ends_with(".cuh")) header_names.emplace_back(e.name), header_texts.emplace_back(e.text);
  std::vector<const char*> hn, ht;
  for (size_t i = 0; i < header_names.size(); ++i) hn.push_back(header_names[i].c_str()), ht.push_back(header_texts[i].c_str());
  const std::string& text = source_text;
  nvrtcProgram prog = nullptr;
  NVRTC_CHECK(nvrtcCreateProgram(&prog, text.c_str(), source_file.c_str(), int(hn.size()), ht.data(), hn.data()), context);
  std::unique_ptr<nvrtcProgram, void (*)(nvrtcProgram*)> guard(&prog, [](nvrtcProgram* p) { nvrtcDestroyProgram(p); });
  std::vector<const char*> copts;
  for (const auto& o : opts) copts.push_back(o.c_str());
  const nvrtcResult rc = nvrtcCompileProgram(prog, int(copts.size()), copts.data());
  size_t log_size = 0;
  NVRTC_CHECK(nvrtcGetProgramLogSize(prog, &log_size), context);
  m.log.resize(log_size);
  if (log_size) NVRTC_CHECK(nvrtcGetProgramLog(prog, m.log.data()), context);
  while (!m.log.empty() && m.log.back() == '\0') m.log.pop_back();
  if (rc != NVRTC_SUCCESS) {
    std::string opts_text;
    for (const auto& o : options) opts_text += " " + o;
    throw CompileError("NVRTC could not compile " + source_file + " for " + arch + " with" + opts_text + ": " + nvrtcGetErrorString(rc) +
                           "\n" + m.log,
                       m.log);
  }
  size_t size = 0;
  NVRTC_CHECK(nvrtcGetCUBINSize(prog, &size), context);
  m.cubin.resize(size);
  NVRTC_CHECK(nvrtcGetCUBIN(prog, m.cubin.data()), context);
  m.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  m.resources = read_cubin_resources(m.cubin);
  if (!cache_dir_.empty()) {
    write_file_atomically(fs::path(cache_dir_) / (m.key + ".log"), m.log);
    write_file_atomically(fs::path(cache_dir_) / (m.key + ".cubin"), m.cubin);
  }
  return m;
}

}  // namespace gemmscope
