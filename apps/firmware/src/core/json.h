// A compact JSON DOM for the protocol: bounded (bytes, depth, nodes), non-recursive parser, never reads past
// its input, strict RFC 8259 grammar (what JSON.parse accepts). Writer escapes like JSON.stringify.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "limits.h"

namespace esphil {

enum class JType : uint8_t { Null, Bool, Number, String, Array, Object };

struct JsonLimits {
  size_t maxBytes = MAX_FRAME;
  int maxDepth = MAX_JSON_DEPTH;
  size_t maxNodes = MAX_JSON_NODES;
};

enum class JsonError : uint8_t { None, TooLarge, Syntax, TooDeep, TooManyNodes };

// Values live in one arena; children are linked (first/next) so a document is a few flat vectors.
struct JNode {
  JType type = JType::Null;
  bool b = false;
  double num = 0;
  std::string str;  // string value (decoded UTF-8)
  std::string key;  // member name when the parent is an object
  int32_t first = -1;
  int32_t next = -1;
  int32_t last = -1;  // last child, for O(1) append
  uint32_t count = 0;
};

class JsonDoc;

// A cheap handle into a JsonDoc. An invalid handle (missing member) answers every query with "absent".
class JValue {
 public:
  JValue() = default;
  JValue(const JsonDoc* doc, int32_t idx) : doc_(doc), idx_(idx) {}
  bool valid() const { return doc_ != nullptr && idx_ >= 0; }
  JType type() const;
  bool isNull() const { return valid() && type() == JType::Null; }
  bool isBool() const { return valid() && type() == JType::Bool; }
  bool isNumber() const { return valid() && type() == JType::Number; }
  bool isString() const { return valid() && type() == JType::String; }
  bool isArray() const { return valid() && type() == JType::Array; }
  bool isObject() const { return valid() && type() == JType::Object; }
  // Integer in [lo, hi] with no fractional part.
  bool isInt(double lo, double hi) const;
  bool asBool() const;
  double asNumber() const;
  const std::string& asString() const;
  const std::string& key() const;
  uint32_t size() const;
  // Last member with this name (JSON.parse keeps the last duplicate).
  JValue get(const char* name) const;
  bool has(const char* name) const { return get(name).valid(); }
  JValue first() const;
  JValue next() const;
  int32_t index() const { return idx_; }
  const JsonDoc* doc() const { return doc_; }

 private:
  const JsonDoc* doc_ = nullptr;
  int32_t idx_ = -1;
};

class JsonDoc {
 public:
  JsonError parse(const char* text, size_t len, const JsonLimits& limits = JsonLimits());
  JsonError parse(const std::string& s, const JsonLimits& limits = JsonLimits()) {
    return parse(s.data(), s.size(), limits);
  }
  JValue root() const { return nodes_.empty() ? JValue() : JValue(this, 0); }
  // Byte offset where parsing failed (for messages).
  size_t errorOffset() const { return errOff_; }
  const JNode& node(int32_t i) const { return nodes_[static_cast<size_t>(i)]; }
  size_t nodeCount() const { return nodes_.size(); }

 private:
  std::vector<JNode> nodes_;
  size_t errOff_ = 0;
};

// Appends JSON text. Numbers: integers print without a fraction; others shortest round-trip like JS.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(const char* k);
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const char* s);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(bool b);
  JsonWriter& value(double d);
  JsonWriter& value(int v) { return value(static_cast<double>(v)); }
  JsonWriter& value(uint32_t v) { return value(static_cast<double>(v)); }
  JsonWriter& value(int64_t v) { return value(static_cast<double>(v)); }
  JsonWriter& null();
  // Copies a parsed value (depth is bounded by the parse limits).
  JsonWriter& value(const JValue& v);
  JsonWriter& raw(const std::string& json);

 private:
  void sep();
  std::string& out_;
  bool needComma_ = false;
};

void jsonEscape(std::string& out, const char* s, size_t n);
std::string jsonNumber(double d);
// Deep structural equality (objects order-insensitive, numbers compared exactly).
bool jsonEqual(const JValue& a, const JValue& b);
std::string jsonStringify(const JValue& v);

}  // namespace esphil
