#include "app/gui/sample.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "controller/result_store.h"
#include "model/families/card_family.h"
#include "model/gpu_spec.h"
#include "model/json_codec.h"

namespace gemmscope {

namespace fs = std::filesystem;

std::string default_sample_path() {
  return (fs::path(default_gpu_spec_dir()).parent_path() / "sample" / "sample.json").string();
}

Sample load_sample(const std::string& manifest) {
  std::ifstream in(manifest);
  if (!in) throw std::invalid_argument("sample " + manifest + ": cannot be opened");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("sample " + manifest + ": not JSON (" + e.what() + ")");
  }
  const fs::path base = fs::path(manifest).parent_path();
  auto file = [&](const nlohmann::json& v, const std::string& field) {
    if (!v.is_string()) throw std::invalid_argument("sample " + manifest + ": " + field + " must be a file name");
    const fs::path p = (base / v.get<std::string>()).lexically_normal();
    if (!fs::is_regular_file(p)) throw std::invalid_argument("sample " + manifest + ": " + field + " names " + p.string() + ", which does not exist");
    return fs::absolute(p).string();
  };
  auto list = [&](const char* field) {
    std::vector<std::string> out;
    if (!j.contains(field) || !j.at(field).is_array()) throw std::invalid_argument("sample " + manifest + ": " + field + " must be a list of files");
    for (const auto& v : j.at(field)) out.push_back(file(v, field));
    return out;
  };
  Sample s;
  s.title = j.value("title", "sample runs");
  s.about = j.value("about", "");
  s.results = list("results");
  if (s.results.empty()) throw std::invalid_argument("sample " + manifest + ": results is empty");
  if (!j.contains("spec")) throw std::invalid_argument("sample " + manifest + ": spec is missing");
  s.spec = file(j.at("spec"), "spec");
  s.cards = list("cards");
  return s;
}

int import_sample(const Sample& sample, const std::string& store_path) {
  std::vector<FamilyPtr> cards;  // registered first: their runs read through their families
  for (const auto& c : sample.cards) cards.push_back(load_card_family(c));
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(store_path + suffix, ec);
  ResultStore store(store_path);
  store.remember_device(load_gpu_spec(sample.spec));
  for (const auto& f : cards)
    if (f && f->card()) store.remember_card(*f->card());
  int stored = 0;
  for (const auto& path : sample.results) {
    std::ifstream in(path);
    nlohmann::json j;
    try {
      in >> j;
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("sample results " + path + ": not JSON (" + e.what() + ")");
    }
    for (size_t i = 0; i < j.size(); ++i) {
      RunResult r;
      try {
        r = result_from_json(j[i]);
      } catch (const std::exception& e) {
        throw std::runtime_error("sample results " + path + " entry " + std::to_string(i) + ": " + e.what());
      }
      store.insert(r, "h200-sample");
      ++stored;
    }
  }
  return stored;
}

}  // namespace gemmscope
