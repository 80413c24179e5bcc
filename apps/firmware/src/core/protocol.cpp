#include "protocol.h"

#include <cmath>
#include <cstring>

namespace esphil {

const char* errorCodeName(ErrorCode c) {
  switch (c) {
    case ErrorCode::None: return "none";
    case ErrorCode::BadJson: return "bad_json";
    case ErrorCode::BadRequest: return "bad_request";
    case ErrorCode::UnknownOp: return "unknown_op";
    case ErrorCode::BadParam: return "bad_param";
    case ErrorCode::UnknownTarget: return "unknown_target";
    case ErrorCode::PwmInfeasible: return "pwm_infeasible";
    case ErrorCode::Unauthorized: return "unauthorized";
    case ErrorCode::TooLarge: return "too_large";
    case ErrorCode::Busy: return "busy";
    case ErrorCode::Internal: return "internal";
  }
  return "internal";
}

static const char* const kOpNames[] = {
    "ping",       "info",      "state.get", "led.set", "led.toggle", "pwm.set",    "pwm.config",
    "sensor.subscribe", "sensor.unsubscribe", "reboot", "log.level", "auth", "config.set", "config.get",
};
static_assert(sizeof(kOpNames) / sizeof(kOpNames[0]) == static_cast<size_t>(Op::Count_), "op table");

const char* opName(Op op) { return kOpNames[static_cast<size_t>(op)]; }
bool opFromName(const std::string& s, Op& out) {
  for (size_t i = 0; i < static_cast<size_t>(Op::Count_); ++i) {
    if (s == kOpNames[i]) {
      out = static_cast<Op>(i);
      return true;
    }
  }
  return false;
}

static const char* const kLevels[] = {"error", "warn", "info", "debug"};
const char* logLevelName(LogLevel l) { return kLevels[static_cast<size_t>(l)]; }
bool logLevelFromName(const std::string& s, LogLevel& out) {
  for (size_t i = 0; i < 4; ++i) {
    if (s == kLevels[i]) {
      out = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

bool isValidName(const std::string& s) {
  if (s.empty() || s.size() > MAX_NAME_LEN) return false;
  if (!(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

size_t utf16Length(const std::string& s) {
  // Limits are stated in JS string length (UTF-16 units): a 4-byte UTF-8 sequence is two units.
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += (c >= 0xF0) ? 2 : 1;
  }
  return n;
}

bool validUtf8(const char* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(p[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

namespace {

bool fail(DecodeError& err, ErrorCode code, const char* path, const std::string& msg) {
  err.code = code;
  err.path = path;
  err.message = msg;
  return false;
}

bool needName(const JValue& obj, const char* field, std::string& out, DecodeError& err) {
  JValue v = obj.get(field);
  if (!v.valid()) return fail(err, ErrorCode::BadParam, field, std::string("missing '") + field + "': give a target name");
  if (!v.isString()) return fail(err, ErrorCode::BadParam, field, std::string("'") + field + "' must be a string");
  if (!isValidName(v.asString())) {
    return fail(err, ErrorCode::BadParam, field,
                std::string("'") + field + "' must be 1-16 chars of [a-z0-9_-] starting with a letter");
  }
  out = v.asString();
  return true;
}

bool needNumber(const JValue& obj, const char* field, double& out, DecodeError& err) {
  JValue v = obj.get(field);
  if (!v.valid()) return fail(err, ErrorCode::BadParam, field, std::string("missing '") + field + "'");
  if (!v.isNumber()) return fail(err, ErrorCode::BadParam, field, std::string("'") + field + "' must be a number");
  out = v.asNumber();
  return true;
}

bool needInt(const JValue& obj, const char* field, double lo, double hi, double& out, DecodeError& err) {
  JValue v = obj.get(field);
  if (!v.valid()) return fail(err, ErrorCode::BadParam, field, std::string("missing '") + field + "'");
  if (!v.isInt(lo, hi)) {
    return fail(err, ErrorCode::BadParam, field,
                std::string("'") + field + "' must be an integer in " + jsonNumber(lo) + ".." + jsonNumber(hi));
  }
  out = v.asNumber();
  return true;
}

}  // namespace

bool decodeRequest(const char* text, size_t len, Request& out, DecodeError& err, size_t maxBytes) {
  err = DecodeError();
  if (len > maxBytes) {
    return fail(err, ErrorCode::TooLarge, "",
                "frame of " + std::to_string(len) + " bytes exceeds the limit of " + std::to_string(maxBytes));
  }
  if (!validUtf8(text, len)) {
    return fail(err, ErrorCode::BadJson, "", "not valid UTF-8: a frame must be UTF-8 encoded JSON text");
  }
  JsonLimits lim;
  lim.maxBytes = maxBytes;
  JsonError je = out.doc.parse(text, len, lim);
  if (je != JsonError::None) {
    const char* why = je == JsonError::TooDeep        ? "nesting deeper than 8 levels"
                      : je == JsonError::TooManyNodes ? "too many values"
                                                      : "not valid JSON";
    return fail(err, ErrorCode::BadJson, "",
                std::string(why) + " at byte " + std::to_string(out.doc.errorOffset()) + ": send one JSON object per frame");
  }
  JValue root = out.doc.root();
  if (!root.isObject()) return fail(err, ErrorCode::BadJson, "", "a request must be a JSON object");
  JValue id = root.get("id");
  if (!id.valid()) return fail(err, ErrorCode::BadRequest, "id", "missing 'id': give an integer 0..4294967295");
  if (!id.isInt(0, static_cast<double>(MAX_REQUEST_ID))) {
    return fail(err, ErrorCode::BadRequest, "id", "'id' must be an integer 0..4294967295");
  }
  out.id = static_cast<uint32_t>(id.asNumber());
  err.hasId = true;
  err.id = out.id;
  JValue op = root.get("op");
  if (!op.valid()) return fail(err, ErrorCode::BadRequest, "op", "missing 'op'");
  if (!op.isString()) return fail(err, ErrorCode::BadRequest, "op", "'op' must be a string");
  if (!opFromName(op.asString(), out.op)) {
    return fail(err, ErrorCode::UnknownOp, "op", "unknown op '" + op.asString().substr(0, 32) + "'");
  }
  switch (out.op) {
    case Op::Ping: {
      JValue ts = root.get("ts");
      if (ts.valid()) {
        if (!ts.isNumber() || !std::isfinite(ts.asNumber())) return fail(err, ErrorCode::BadParam, "ts", "'ts' must be a number");
        out.hasTs = true;
        out.ts = ts.asNumber();
      }
      return true;
    }
    case Op::Info:
    case Op::StateGet:
    case Op::Reboot:
    case Op::ConfigGet:
      return true;
    case Op::LedSet: {
      if (!needName(root, "led", out.target, err)) return false;
      JValue on = root.get("on");
      if (!on.valid()) return fail(err, ErrorCode::BadParam, "on", "missing 'on'");
      if (!on.isBool()) return fail(err, ErrorCode::BadParam, "on", "'on' must be true or false");
      out.on = on.asBool();
      return true;
    }
    case Op::LedToggle:
      return needName(root, "led", out.target, err);
    case Op::PwmSet: {
      if (!needName(root, "ch", out.target, err)) return false;
      JValue duty = root.get("duty");
      JValue raw = root.get("raw");
      if (duty.valid() && raw.valid()) {
        return fail(err, ErrorCode::BadParam, "raw", "give exactly one of 'duty' (0..1) or 'raw' (counts), not both");
      }
      if (!duty.valid() && !raw.valid()) {
        return fail(err, ErrorCode::BadParam, "duty", "give one of 'duty' (0..1) or 'raw' (counts)");
      }
      if (duty.valid()) {
        if (!duty.isNumber() || !(duty.asNumber() >= 0 && duty.asNumber() <= 1)) {
          return fail(err, ErrorCode::BadParam, "duty", "'duty' must be a number from 0 to 1");
        }
        out.hasDuty = true;
        out.duty = duty.asNumber();
      } else {
        if (!raw.isInt(0, 4294967295.0)) {
          return fail(err, ErrorCode::BadParam, "raw", "'raw' must be an integer 0..2^bits-1");
        }
        out.hasRaw = true;
        out.raw = raw.asNumber();
      }
      return true;
    }
    case Op::PwmConfig:
      if (!needName(root, "ch", out.target, err)) return false;
      // Range and feasibility are the machine's call (pwm_infeasible); the wire only asks for positive integers.
      if (!needInt(root, "freq", 1, 4294967295.0, out.freq, err)) return false;
      return needInt(root, "bits", 1, 4294967295.0, out.bits, err);
    case Op::SensorSubscribe: {
      if (!needName(root, "sensor", out.target, err)) return false;
      if (!needNumber(root, "hz", out.hz, err)) return false;
      if (!(out.hz > 0) || !std::isfinite(out.hz)) return fail(err, ErrorCode::BadParam, "hz", "'hz' must be a finite number > 0");
      return true;
    }
    case Op::SensorUnsubscribe:
      return needName(root, "sensor", out.target, err);
    case Op::LogLevel: {
      JValue lv = root.get("level");
      if (!lv.valid()) return fail(err, ErrorCode::BadParam, "level", "missing 'level'");
      if (!lv.isString() || !logLevelFromName(lv.asString(), out.level)) {
        return fail(err, ErrorCode::BadParam, "level", "'level' must be one of error, warn, info, debug");
      }
      return true;
    }
    case Op::Auth: {
      JValue tk = root.get("token");
      if (!tk.valid()) return fail(err, ErrorCode::BadParam, "token", "missing 'token'");
      if (!tk.isString() || utf16Length(tk.asString()) > MAX_TOKEN_LEN) {
        return fail(err, ErrorCode::BadParam, "token", "'token' must be a string of at most 64 chars");
      }
      out.token = tk.asString();
      return true;
    }
    case Op::ConfigSet: {
      JValue cfg = root.get("config");
      if (!cfg.valid()) return fail(err, ErrorCode::BadParam, "config", "missing 'config'");
      if (!cfg.isObject()) return fail(err, ErrorCode::BadParam, "config", "'config' must be an object");
      out.config = cfg;
      return true;
    }
    case Op::Count_:
      break;
  }
  return fail(err, ErrorCode::UnknownOp, "op", "unknown op");
}

int legacyText(const char* text, size_t len) {
  // One trailing LF or CRLF is tolerated for line-oriented tools (wscat, serial), as isLegacyText does.
  if (len >= 1 && text[len - 1] == '\n') {
    --len;
    if (len >= 1 && text[len - 1] == '\r') --len;
  }
  auto eq = [&](const char* s) { return std::strlen(s) == len && std::memcmp(text, s, len) == 0; };
  if (eq(LEGACY_LED_ON)) return 1;
  if (eq(LEGACY_LED_OFF)) return 0;
  return -1;
}

bool hasEsphilMarker(const std::string& target) {
  size_t end = target.find('#');
  size_t q = target.find('?');
  if (q == std::string::npos || (end != std::string::npos && q > end)) return false;
  if (end == std::string::npos) end = target.size();
  const std::string name = ESPHIL_URL_PARAM;
  for (size_t start = q + 1; start <= end;) {
    size_t amp = target.find('&', start);
    if (amp == std::string::npos || amp > end) amp = end;
    size_t eq = target.find('=', start);
    size_t nameEnd = (eq != std::string::npos && eq < amp) ? eq : amp;
    if (target.compare(start, nameEnd - start, name) == 0 && nameEnd - start == name.size()) return true;
    start = amp + 1;
  }
  return false;
}

std::string targetPath(const std::string& target) {
  size_t end = target.find_first_of("?#");
  return end == std::string::npos ? target : target.substr(0, end);
}

bool startsJsonObject(const char* data, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    char c = data[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{';
  }
  return false;
}

std::string encodeError(bool hasId, double id, ErrorCode code, const std::string& msg) {
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("t").value("res").key("id");
  if (hasId) {
    w.value(id);
  } else {
    w.null();
  }
  w.key("ok").value(false).key("error").beginObject().key("code").value(errorCodeName(code));
  w.key("msg").value(msg).endObject().endObject();
  return s;
}

}  // namespace esphil
