// Protocol v1 wire layer: request decoding with validation (mirrors @esphil/protocol decodeRequest) and
// message encoding. Decoding never throws and never reads past the input: bad input becomes a DecodeError.
#pragma once
#include <cstdint>
#include <string>

#include "json.h"
#include "limits.h"

namespace esphil {

constexpr int PROTOCOL_VERSION = 1;
constexpr const char* SUBPROTOCOL = "esphil.v1";
constexpr const char* SERIAL_MACHINE_PREFIX = "@esphil ";
constexpr const char* LEGACY_LED_ON = "LED ON";
constexpr const char* LEGACY_LED_OFF = "LED OFF";
constexpr const char* LEGACY_REPLY_ON = "LED is now ON";
constexpr const char* LEGACY_REPLY_OFF = "LED is now OFF";
constexpr uint32_t MAX_REQUEST_ID = 4294967295UL;

enum class ErrorCode : uint8_t {
  None,
  BadJson,
  BadRequest,
  UnknownOp,
  BadParam,
  UnknownTarget,
  PwmInfeasible,
  Unauthorized,
  TooLarge,
  Busy,
  Internal,
};
const char* errorCodeName(ErrorCode c);

enum class Op : uint8_t {
  Ping,
  Info,
  StateGet,
  LedSet,
  LedToggle,
  PwmSet,
  PwmConfig,
  SensorSubscribe,
  SensorUnsubscribe,
  Reboot,
  LogLevel,
  Auth,
  ConfigSet,
  ConfigGet,
  Count_,
};
const char* opName(Op op);
bool opFromName(const std::string& s, Op& out);

enum class LogLevel : uint8_t { Error, Warn, Info, Debug };
const char* logLevelName(LogLevel l);
bool logLevelFromName(const std::string& s, LogLevel& out);

struct DecodeError {
  ErrorCode code = ErrorCode::None;
  std::string path;
  std::string message;
  bool hasId = false;
  uint32_t id = 0;
};

// A decoded request. Only the fields of its op are meaningful. `config` points into `doc`.
struct Request {
  uint32_t id = 0;
  Op op = Op::Ping;
  std::string target;  // led / ch / sensor
  bool on = false;
  bool hasTs = false;
  double ts = 0;
  bool hasDuty = false;
  double duty = 0;
  bool hasRaw = false;
  double raw = 0;
  double freq = 0;
  double bits = 0;
  double hz = 0;
  LogLevel level = LogLevel::Info;
  std::string token;
  JsonDoc doc;
  JValue config;
};

// Target names: 1-16 chars of [a-z0-9_-], starting with a letter.
bool isValidName(const std::string& s);

bool validUtf8(const char* text, size_t len);
size_t utf16Length(const std::string& s);

// Returns true with `out` filled, or false with `err` filled.
bool decodeRequest(const char* text, size_t len, Request& out, DecodeError& err, size_t maxBytes = MAX_FRAME);

// Legacy tutorial text: 1 = "LED ON", 0 = "LED OFF", -1 = not legacy.
int legacyText(const char* text, size_t len);

// The query parameter that marks an esphil connection (PROTOCOL.md 2, 9): `/?esphil`, `/?a=1&esphil=x`. The name is
// compared as sent (no percent-decoding). `target` is the request target the library reports in WStype_CONNECTED.
constexpr const char* ESPHIL_URL_PARAM = "esphil";
bool hasEsphilMarker(const std::string& target);
// The path part of a request target: up to the first '?' or '#'.
std::string targetPath(const std::string& target);
// The first byte that is not JSON whitespace is '{': the frame switches a legacy-mode connection (PROTOCOL.md 9).
bool startsJsonObject(const char* data, size_t len);

std::string encodeError(bool hasId, double id, ErrorCode code, const std::string& msg);

}  // namespace esphil
