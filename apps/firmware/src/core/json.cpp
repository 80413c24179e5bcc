#include "json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace esphil {

JType JValue::type() const { return valid() ? doc_->node(idx_).type : JType::Null; }
bool JValue::isInt(double lo, double hi) const {
  if (!isNumber()) return false;
  double d = asNumber();
  return std::isfinite(d) && std::floor(d) == d && d >= lo && d <= hi;
}
bool JValue::asBool() const { return valid() && doc_->node(idx_).b; }
double JValue::asNumber() const { return valid() ? doc_->node(idx_).num : 0; }
static const std::string kEmpty;
const std::string& JValue::asString() const { return valid() ? doc_->node(idx_).str : kEmpty; }
const std::string& JValue::key() const { return valid() ? doc_->node(idx_).key : kEmpty; }
uint32_t JValue::size() const { return valid() ? doc_->node(idx_).count : 0; }
JValue JValue::get(const char* name) const {
  if (!isObject()) return JValue();
  int32_t found = -1;
  for (int32_t c = doc_->node(idx_).first; c >= 0; c = doc_->node(c).next) {
    if (doc_->node(c).key == name) found = c;
  }
  return found >= 0 ? JValue(doc_, found) : JValue();
}
JValue JValue::first() const {
  if (!valid()) return JValue();
  int32_t f = doc_->node(idx_).first;
  return f >= 0 ? JValue(doc_, f) : JValue();
}
JValue JValue::next() const {
  if (!valid()) return JValue();
  int32_t n = doc_->node(idx_).next;
  return n >= 0 ? JValue(doc_, n) : JValue();
}

namespace {

bool isWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
int hexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
void putUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

struct Parser {
  Parser(const char* text, size_t len) : p(text), n(len) {}
  const char* p;
  size_t n;
  size_t i = 0;
  bool eof() const { return i >= n; }
  char peek() const { return i < n ? p[i] : '\0'; }
  void skipWs() {
    while (i < n && isWs(p[i])) ++i;
  }
  bool lit(const char* s) {
    size_t k = std::strlen(s);
    if (n - i < k || std::memcmp(p + i, s, k) != 0) return false;
    i += k;
    return true;
  }
  bool str(std::string& out) {
    if (peek() != '"') return false;
    ++i;
    while (i < n) {
      unsigned char c = static_cast<unsigned char>(p[i]);
      if (c == '"') {
        ++i;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') {
        out += static_cast<char>(c);
        ++i;
        continue;
      }
      if (++i >= n) return false;
      char e = p[i++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && n - i >= 6 && p[i] == '\\' && p[i + 1] == 'u') {
            size_t save = i;
            i += 2;
            uint32_t lo = 0;
            if (hex4(lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              i = save;
            }
          }
          putUtf8(out, cp);  // a lone surrogate becomes its 3-byte form, as a JS string would keep it
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool hex4(uint32_t& v) {
    if (n - i < 4) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      int h = hexVal(p[i + static_cast<size_t>(k)]);
      if (h < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(h);
    }
    i += 4;
    return true;
  }
  bool number(double& out) {
    size_t s = i;
    if (peek() == '-') ++i;
    if (peek() == '0') {
      ++i;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++i;
    } else {
      return false;
    }
    if (peek() == '.') {
      ++i;
      if (!(peek() >= '0' && peek() <= '9')) return false;
      while (peek() >= '0' && peek() <= '9') ++i;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i;
      if (peek() == '+' || peek() == '-') ++i;
      if (!(peek() >= '0' && peek() <= '9')) return false;
      while (peek() >= '0' && peek() <= '9') ++i;
    }
    std::string tmp(p + s, i - s);  // strtod needs a terminator; the slice is bounded by the input
    out = std::strtod(tmp.c_str(), nullptr);
    return true;
  }
};

}  // namespace

JsonError JsonDoc::parse(const char* text, size_t len, const JsonLimits& limits) {
  nodes_.clear();
  errOff_ = 0;
  if (len > limits.maxBytes) return JsonError::TooLarge;
  Parser ps(text, len);
  // Explicit container stack instead of recursion; depth is bounded by limits.maxDepth.
  std::vector<int32_t> stack;
  stack.reserve(static_cast<size_t>(limits.maxDepth) + 1);
  auto fail = [&](JsonError e) {
    errOff_ = ps.i;
    nodes_.clear();
    return e;
  };
  auto addNode = [&](JNode&& nd) -> int32_t {
    int32_t idx = static_cast<int32_t>(nodes_.size());
    if (!stack.empty()) {
      JNode& parent = nodes_[static_cast<size_t>(stack.back())];
      if (parent.last >= 0) {
        nodes_[static_cast<size_t>(parent.last)].next = idx;
      } else {
        parent.first = idx;
      }
      parent.last = idx;
      parent.count++;
    }
    nodes_.push_back(std::move(nd));
    return idx;
  };
  bool haveRoot = false;
  for (;;) {
    ps.skipWs();
    // Expect a value (possibly preceded by a key when inside an object).
    std::string key;
    bool inObject = !stack.empty() && nodes_[static_cast<size_t>(stack.back())].type == JType::Object;
    if (inObject) {
      if (!ps.str(key)) return fail(JsonError::Syntax);
      ps.skipWs();
      if (ps.peek() != ':') return fail(JsonError::Syntax);
      ++ps.i;
      ps.skipWs();
    }
    if (nodes_.size() >= limits.maxNodes) return fail(JsonError::TooManyNodes);
    JNode nd;
    nd.key = std::move(key);
    char c = ps.peek();
    bool opened = false;
    if (c == '{' || c == '[') {
      if (static_cast<int>(stack.size()) >= limits.maxDepth) return fail(JsonError::TooDeep);
      nd.type = c == '{' ? JType::Object : JType::Array;
      ++ps.i;
      int32_t idx = addNode(std::move(nd));
      stack.push_back(idx);
      opened = true;
      ps.skipWs();
      char close = c == '{' ? '}' : ']';
      if (ps.peek() == close) {
        ++ps.i;
        stack.pop_back();
        opened = false;
      } else {
        continue;
      }
    } else if (c == '"') {
      nd.type = JType::String;
      if (!ps.str(nd.str)) return fail(JsonError::Syntax);
      addNode(std::move(nd));
    } else if (c == 't' || c == 'f' || c == 'n') {
      if (ps.lit("true")) {
        nd.type = JType::Bool;
        nd.b = true;
      } else if (ps.lit("false")) {
        nd.type = JType::Bool;
      } else if (ps.lit("null")) {
        nd.type = JType::Null;
      } else {
        return fail(JsonError::Syntax);
      }
      addNode(std::move(nd));
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      nd.type = JType::Number;
      if (!ps.number(nd.num)) return fail(JsonError::Syntax);
      addNode(std::move(nd));
    } else {
      return fail(JsonError::Syntax);
    }
    (void)opened;
    haveRoot = true;
    // After a value: close containers or expect a comma.
    for (;;) {
      if (stack.empty()) {
        ps.skipWs();
        if (!ps.eof()) return fail(JsonError::Syntax);
        return haveRoot ? JsonError::None : fail(JsonError::Syntax);
      }
      ps.skipWs();
      const JNode& top = nodes_[static_cast<size_t>(stack.back())];
      char close = top.type == JType::Object ? '}' : ']';
      if (ps.peek() == ',') {
        ++ps.i;
        ps.skipWs();
        break;  // next value
      }
      if (ps.peek() == close) {
        ++ps.i;
        stack.pop_back();
        continue;
      }
      return fail(JsonError::Syntax);
    }
  }
}

void jsonEscape(std::string& out, const char* s, size_t n) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string jsonNumber(double d) {
  if (!std::isfinite(d)) return "null";  // as JSON.stringify
  if (d == 0) return "0";
  char buf[40];
  if (std::floor(d) == d && std::fabs(d) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

void JsonWriter::sep() {
  if (needComma_) out_ += ',';
  needComma_ = true;
}
JsonWriter& JsonWriter::beginObject() {
  sep();
  out_ += '{';
  needComma_ = false;
  return *this;
}
JsonWriter& JsonWriter::endObject() {
  out_ += '}';
  needComma_ = true;
  return *this;
}
JsonWriter& JsonWriter::beginArray() {
  sep();
  out_ += '[';
  needComma_ = false;
  return *this;
}
JsonWriter& JsonWriter::endArray() {
  out_ += ']';
  needComma_ = true;
  return *this;
}
JsonWriter& JsonWriter::key(const char* k) { return key(std::string(k)); }
JsonWriter& JsonWriter::key(const std::string& k) {
  sep();
  jsonEscape(out_, k.data(), k.size());
  out_ += ':';
  needComma_ = false;
  return *this;
}
JsonWriter& JsonWriter::value(const char* s) {
  sep();
  jsonEscape(out_, s, std::strlen(s));
  return *this;
}
JsonWriter& JsonWriter::value(const std::string& s) {
  sep();
  jsonEscape(out_, s.data(), s.size());
  return *this;
}
JsonWriter& JsonWriter::value(bool b) {
  sep();
  out_ += b ? "true" : "false";
  return *this;
}
JsonWriter& JsonWriter::value(double d) {
  sep();
  out_ += jsonNumber(d);
  return *this;
}
JsonWriter& JsonWriter::null() {
  sep();
  out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::raw(const std::string& json) {
  sep();
  out_ += json;
  return *this;
}
JsonWriter& JsonWriter::value(const JValue& v) {
  if (!v.valid()) return null();
  switch (v.type()) {
    case JType::Null: return null();
    case JType::Bool: return value(v.asBool());
    case JType::Number: return value(v.asNumber());
    case JType::String: return value(v.asString());
    case JType::Array:
      beginArray();
      for (JValue c = v.first(); c.valid(); c = c.next()) value(c);
      return endArray();
    case JType::Object:
      beginObject();
      for (JValue c = v.first(); c.valid(); c = c.next()) {
        key(c.key());
        value(c);
      }
      return endObject();
  }
  return *this;
}

std::string jsonStringify(const JValue& v) {
  std::string s;
  JsonWriter(s).value(v);
  return s;
}

bool jsonEqual(const JValue& a, const JValue& b) {
  if (!a.valid() || !b.valid()) return a.valid() == b.valid();
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case JType::Null: return true;
    case JType::Bool: return a.asBool() == b.asBool();
    case JType::Number: return a.asNumber() == b.asNumber();
    case JType::String: return a.asString() == b.asString();
    case JType::Array: {
      if (a.size() != b.size()) return false;
      for (JValue x = a.first(), y = b.first(); x.valid(); x = x.next(), y = y.next()) {
        if (!jsonEqual(x, y)) return false;
      }
      return true;
    }
    case JType::Object: {
      // Compare the effective (last-wins) members of each side.
      uint32_t na = 0, nb = 0;
      for (JValue x = a.first(); x.valid(); x = x.next()) {
        if (a.get(x.key().c_str()).index() != x.index()) continue;
        ++na;
        if (!jsonEqual(x, b.get(x.key().c_str()))) return false;
      }
      for (JValue y = b.first(); y.valid(); y = y.next()) {
        if (b.get(y.key().c_str()).index() == y.index()) ++nb;
      }
      return na == nb;
    }
  }
  return false;
}

}  // namespace esphil
