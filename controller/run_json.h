// A stored run's JSON text straight from what the store keeps, byte for byte what
// to_json(run).dump(2) writes (sorted keys, two-space indent, nlohmann's number format), without
// building or parsing a JSON tree: the JSON export of a million runs spends its time writing.
// The run's figures come from its columns (a RunResult read with ScanDetail::columns); the rest is
// the compact JSON text the store deflated (its cold part, result_store.cpp), which is merged in
// key by key and re-indented, so a field added to RunResult later is written with no change here.
#pragma once
#include <string>
#include <string_view>

#include "model/run_result.h"

namespace gemmscope {

// Appends the run's object to `out`. `columns` holds the fields kept in columns (result_store.cpp's
// kColumnKeys and the verification counts); `cold` is the compact JSON object of the rest. False,
// with `out` as it was, when `cold` is not an object this merge reads (a key with an escape in
// it): the caller then writes the whole result through nlohmann. Throws as dump() does on a string
// that is not UTF-8 (nlohmann's type_error 316).
bool append_stored_run_json(std::string& out, const RunResult& columns, std::string_view cold);

}  // namespace gemmscope
