// Helpers the vector runners share (defined in vectors.cpp).
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "../src/core/json.h"

namespace vt {

bool readFile(const std::string& path, std::string& out);
bool exists(const std::string& p);
// Limits for reading vector files themselves (far above the device's).
esphil::JsonLimits bigLimits();
int hexVal(char c);
// mismatch() of device-model src/vectors/match.ts: expected is a pattern; "" when it matches.
std::string mismatch(const esphil::JValue& exp, const esphil::JValue& act, const std::string& path);
bool present(const esphil::JValue& v, const std::string& dotted);

struct Parsed {
  esphil::JsonDoc doc;
  bool ok = false;
  explicit Parsed(const std::string& s) { ok = doc.parse(s, bigLimits()) == esphil::JsonError::None; }
  esphil::JValue root() const { return doc.root(); }
};

// Reads and parses one vector file; says why and returns false when it cannot.
bool loadVectorFile(const std::string& path, std::string& text, std::optional<Parsed>& doc);

// Runs `one(root, vector)` over every vector of a file, prints each failure and the file's tally; returns the
// number failed (1 when the file cannot be read). `one` returns "" for a pass, else why it failed.
int runEachVector(const std::string& path, int& total,
                  const std::function<std::string(const esphil::JValue&, const esphil::JValue&)>& one);

// device-model/vectors/connection.json against the core's Device (tests/connection_vectors.cpp).
int runConnectionFile(const std::string& path, int& total);

}  // namespace vt
