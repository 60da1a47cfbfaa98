#include "model/protocol.h"

#include <algorithm>
#include <stdexcept>

#include "model/families/card_family.h"
#include "model/kernel_family.h"

namespace gemmscope {

using nlohmann::json;

namespace {

constexpr std::pair<ErrorKind, const char*> kKinds[] = {
    {ErrorKind::BadRequest, "bad_request"}, {ErrorKind::UnknownOp, "unknown_op"}, {ErrorKind::NoDevice, "no_device"},
    {ErrorKind::DeviceLost, "device_lost"}, {ErrorKind::Failed, "failed"},
};

template <class T>
T field(const json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end()) throw std::invalid_argument(what + " has no '" + key + "'");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw std::invalid_argument(what + ": '" + key + "' has the wrong type: " + it->dump().substr(0, 80));
  }
}

}  // namespace

std::string to_string(ErrorKind k) {
  for (auto [v, n] : kKinds)
    if (v == k) return n;
  return "failed";
}

ErrorKind parse_error_kind(const std::string& s) {
  for (auto [v, n] : kKinds)
    if (s == n) return v;
  return ErrorKind::Failed;
}

Disposition disposition_for(ErrorKind k) {
  switch (k) {
    case ErrorKind::NoDevice: return Disposition::NoDevice;
    case ErrorKind::BadRequest: return Disposition::Invalid;
    case ErrorKind::DeviceLost: return Disposition::LaunchError;
    case ErrorKind::UnknownOp:
    case ErrorKind::Failed: return Disposition::LaunchError;
  }
  return Disposition::LaunchError;
}

json to_json(const Request& r) {
  json j = {{"id", r.id}, {"op", r.op}};
  if (r.op == "run") {
    j["config"] = to_json(r.config);
    j["options"] = to_json(r.options);
    // A card's config travels with its card, so a runner (here or on another host) needs no files.
    if (const FamilyPtr f = find_family(r.config.family))
      if (const auto card = f->card()) j["card"] = {{"path", card->path}, {"toml", card->card_text}, {"source", card->source_text}};
  }
  return j;
}

Request request_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a request must be a JSON object");
  Request r;
  r.id = j.contains("id") ? field<int64_t>(j, "id", "request") : 0;
  r.op = field<std::string>(j, "op", "request");
  if (r.op.empty()) throw std::invalid_argument("request has an empty 'op'");
  if (r.op == "run") {
    if (!j.contains("config")) throw std::invalid_argument("run request has no 'config'");
    if (j.contains("card")) {
      // The card first: its family must be known before its config can be read.
      // Every run of a sweep carries the same card: one already registered with the same text is
      // not read again (reading it, TOML and every expression, was most of a replayed point's cost).
      const json& card = j.at("card");
      if (!card.is_object()) throw std::invalid_argument("run request: 'card' must be an object {path, toml, source}");
      const std::string toml = field<std::string>(card, "toml", "run request's card");
      const std::string source = field<std::string>(card, "source", "run request's card");
      const std::string path = card.value("path", std::string("card"));
      const json& config = j.at("config");
      const FamilyPtr known = config.is_object() && config.contains("family") && config.at("family").is_string()
                                  ? find_family(config.at("family").get<std::string>())
                                  : nullptr;
      const auto known_card = known ? known->card() : nullptr;
      if (!known_card || known_card->card_text != toml || known_card->source_text != source || known_card->path != path)
        register_family(make_card_family(std::make_shared<const KernelCard>(parse_kernel_card(toml, path, source))));
    }
    r.config = config_from_json(j.at("config"));
    if (j.contains("options")) r.options = options_from_json(j.at("options"));
  }
  return r;
}

json to_json(const Reply& r) {
  json j = {{"id", r.id}};
  if (r.exiting) j["exiting"] = true;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, HelloReply>) {
          json info = b.extra.is_object() ? b.extra : json::object();
          info["runner_kind"] = b.runner_kind;
          info["protocol"] = b.protocol;
          info["build"] = b.build;
          info["spec"] = to_json(b.spec);
          info["cuda_driver"] = b.cuda_driver;
          info["nvrtc"] = b.nvrtc;
          info["cublas"] = b.cublas;
          info["jit_cache"] = b.jit_cache;
          if (b.device_index >= 0) info["device_index"] = b.device_index;
          if (b.device_count > 0) info["device_count"] = b.device_count;
          if (!b.device_uuid.empty()) info["device_uuid"] = b.device_uuid;
          j["ok"] = true;
          j["info"] = info;
        } else if constexpr (std::is_same_v<T, RunReply>) {
          j["ok"] = true;
          j["result"] = to_json(b.result);
        } else if constexpr (std::is_same_v<T, PeaksReply>) {
          j["ok"] = true;
          j["spec"] = to_json(b.spec);
        } else if constexpr (std::is_same_v<T, ShutdownReply>) {
          j["ok"] = true;
        } else {
          j["ok"] = false;
          j["error"] = b.message;
          j["error_kind"] = to_string(b.kind);
        }
      },
      r.body);
  return j;
}

Reply reply_from_json(const json& j, const std::string& op) {
  const std::string what = "the reply to '" + op + "'";
  if (!j.is_object()) throw std::invalid_argument(what + " is not a JSON object");
  Reply r;
  r.id = field<int64_t>(j, "id", what);
  r.exiting = j.contains("exiting") && field<bool>(j, "exiting", what);
  if (!field<bool>(j, "ok", what)) {
    ErrorReply e;
    e.message = j.contains("error") ? field<std::string>(j, "error", what) : "(no message)";
    e.kind = j.contains("error_kind") ? parse_error_kind(field<std::string>(j, "error_kind", what)) : ErrorKind::Failed;
    r.body = e;
    return r;
  }
  if (op == "hello") {
    const json info = field<json>(j, "info", what);
    if (!info.is_object()) throw std::invalid_argument(what + ": 'info' is not an object");
    HelloReply h;
    h.runner_kind = info.value("runner_kind", std::string("cuda"));
    // A runner that predates the version field speaks protocol 1.
    h.protocol = info.contains("protocol") ? field<int>(info, "protocol", what) : 1;
    h.build = info.value("build", std::string());
    try {
      h.spec = spec_from_json(field<json>(info, "spec", what), "detected");
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(what + ": the device description is unreadable: " + e.what());
    }
    h.cuda_driver = info.value("cuda_driver", std::string());
    h.nvrtc = info.value("nvrtc", std::string());
    h.cublas = info.value("cublas", std::string());
    h.jit_cache = info.value("jit_cache", std::string());
    if (info.contains("device_index")) h.device_index = field<int>(info, "device_index", what);
    if (info.contains("device_count")) h.device_count = field<int>(info, "device_count", what);
    if (info.contains("device_uuid")) h.device_uuid = field<std::string>(info, "device_uuid", what);
    if (h.device_count < 0) throw std::invalid_argument(what + ": 'device_count' must not be negative, got " + std::to_string(h.device_count));
    static constexpr const char* kKnown[] = {"runner_kind", "protocol", "build", "spec", "cuda_driver", "nvrtc", "cublas", "jit_cache",
                                             "device_index", "device_count", "device_uuid"};
    for (const auto& [k, v] : info.items())
      if (std::find(std::begin(kKnown), std::end(kKnown), k) == std::end(kKnown)) h.extra[k] = v;
    r.body = h;
  } else if (op == "run") {
    try {
      r.body = RunReply{result_from_json(field<json>(j, "result", what))};
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(what + ": the result is unreadable: " + e.what());
    }
  } else if (op == "measure_peaks") {
    try {
      r.body = PeaksReply{spec_from_json(field<json>(j, "spec", what), "detected")};
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(what + ": the measured spec is unreadable: " + e.what());
    }
  } else {
    r.body = ShutdownReply{};
  }
  return r;
}

}  // namespace gemmscope
