// The runner protocol: one JSON object per line on the runner's stdin (requests) and stdout
// (replies). Every reply is a type with an error kind; what a failure means for a run (its
// disposition) follows from the kind, never from the message's text.
//   requests: {"id":N,"op":"hello"} | {"id":N,"op":"run","config":{...},"options":{...}}
//             | {"id":N,"op":"measure_peaks"} | {"id":N,"op":"shutdown"}
//   replies:  {"id":N,"ok":true,"info":{...}} (hello: protocol, build, spec, device_index,
//             device_count, device_uuid, versions) | {"id":N,"ok":true,"result":{...}} (run, even
//             when the kernel failed: the disposition says so) | {"id":N,"ok":true,"spec":{...}}
//             (measure_peaks) | {"id":N,"ok":true} (shutdown)
//             | {"id":N,"ok":false,"error":"...","error_kind":"no_device"}; any reply may carry
//             "exiting":true: the runner exits after it (a lost CUDA context).
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <nlohmann/json.hpp>

#include "model/json_codec.h"

namespace gemmscope {

// Bumped whenever a request or reply changes shape; a runner that speaks another is refused.
inline constexpr int kProtocolVersion = 2;

struct Request {
  int64_t id = 0;
  std::string op;          // hello, run, measure_peaks, shutdown
  KernelConfig config;     // run
  RunOptions options;      // run
};
nlohmann::json to_json(const Request&);
Request request_from_json(const nlohmann::json&);  // throws naming the bad field

enum class ErrorKind {
  BadRequest,  // the request does not parse or names what the runner does not know
  UnknownOp,
  NoDevice,    // no usable GPU behind this runner
  DeviceLost,  // the CUDA context is gone (the runner exits after answering)
  Failed,      // the operation itself failed (measuring ceilings, say)
};
std::string to_string(ErrorKind);
ErrorKind parse_error_kind(const std::string&);  // unknown text reads as Failed
// What a run refused with this kind is recorded as.
Disposition disposition_for(ErrorKind);

struct HelloReply {
  std::string runner_kind = "cuda";  // "cuda", or "replay" (answers from a stored file)
  int protocol = kProtocolVersion;
  std::string build;                 // the runner's git commit
  GpuSpec spec;                      // the device, from its attributes (or the replayed one)
  // Which GPU of its host the runner serves, so a pool's results say which one measured them.
  // A runner that does not say reads as -1, 0 and "" (older builds: everything else still works).
  int device_index = -1;             // the CUDA ordinal (--device N)
  int device_count = 0;              // CUDA devices on the runner's host: what `--devices all` expands to
  std::string device_uuid;           // "GPU-8c1f...", as nvidia-smi prints it
  std::string cuda_driver, nvrtc, cublas, jit_cache;
  nlohmann::json extra = nlohmann::json::object();  // the kind's own facts (replay_file, replay_results)
};
struct RunReply {
  RunResult result;
};
struct PeaksReply {
  GpuSpec spec;  // with `measured` filled
};
struct ShutdownReply {};
struct ErrorReply {
  ErrorKind kind = ErrorKind::Failed;
  std::string message;
};
using ReplyBody = std::variant<HelloReply, RunReply, PeaksReply, ShutdownReply, ErrorReply>;

struct Reply {
  int64_t id = 0;
  bool exiting = false;
  ReplyBody body;
};
nlohmann::json to_json(const Reply&);
// A reply to a request of `op`; throws std::invalid_argument naming what is malformed.
Reply reply_from_json(const nlohmann::json&, const std::string& op);

}  // namespace gemmscope
