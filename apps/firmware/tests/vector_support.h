// Helpers the vector runners share (defined in vectors.cpp).
#pragma once
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

// device-model/vectors/connection.json against the core's Device (tests/connection_vectors.cpp).
int runConnectionFile(const std::string& path, int& total);

}  // namespace vt
