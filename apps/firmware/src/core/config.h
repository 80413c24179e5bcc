// Device configuration (mirror of device-model config/): shape checks and hardware rules with the same
// diagnostics (path, code), defaults filled in (resolveConfig), and the resolved config written back as JSON.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "board.h"
#include "json.h"
#include "ledc.h"
#include "protocol.h"

namespace esphil {

struct LedCfg {
  std::string name;
  int pin = -1;
  bool activeLow = false;
  bool initial = false;
};
struct PwmCfg {
  std::string name;
  int pin = -1;
  uint32_t freq = 5000;
  uint32_t bits = 8;
  uint32_t initialDuty = 0;
  int channel = -1;  // explicit LEDC channel, -1 = allocator's choice
  LedcSlot slot;     // the allocation at boot (kept up to date by pwm.config)
};
enum class Pull : uint8_t { Up, Down, None };
const char* pullName(Pull p);
struct ButtonCfg {
  std::string name;
  int pin = -1;
  Pull pull = Pull::Up;
  bool activeLow = true;
  uint32_t debounceMs = 30;
};
struct SensorCfg {
  std::string name;
  int pin = -1;
  std::string unit = "raw";
  double scale = 1;
  double offset = 0;
  double maxHz = 50;
};
struct WsCfg {
  uint16_t port = 81;
  std::string path = "/";
  std::string protocol = "esphil.v1";
  int maxClients = 5;
  bool heartbeat = true;
  uint32_t hbIntervalMs = 15000;
  uint32_t hbTimeoutMs = 3000;
  uint32_t hbFailures = 2;
  bool auth = false;
  std::string authToken;
  uint32_t authDeadlineMs = 5000;
  std::vector<std::string> allowedOrigins;
  bool legacyText = true;
};
struct DeviceConfig {
  std::string board = "esp32-doit-devkit-v1";
  const BoardProfile* profile = nullptr;
  CoreLine core = CoreLine::V3;
  std::string name = "esphil";
  bool wifi = true;
  std::vector<LedCfg> leds;
  std::vector<PwmCfg> pwm;
  std::vector<ButtonCfg> buttons;
  std::vector<SensorCfg> sensors;
  WsCfg ws;
  LogLevel logLevel = LogLevel::Info;
};

struct Diagnostic {
  bool error = true;
  std::string path;
  std::string code;
  std::string message;
  std::string hint;
};

// validateConfig: true (and `out` resolved) when there is no error diagnostic; warnings may be present.
bool parseConfig(const JValue& v, DeviceConfig& out, std::vector<Diagnostic>& diags);
bool parseConfigText(const std::string& json, DeviceConfig& out, std::vector<Diagnostic>& diags);

// The resolved config as device-model's ResolvedConfig JSON (config.get, store-config, NVS).
void writeResolvedConfig(JsonWriter& w, const DeviceConfig& c, bool includeToken);
std::string resolvedConfigJson(const DeviceConfig& c, bool includeToken = true);
// Capabilities (hello.caps, config.set result), as deriveCapabilities.
void writeCaps(JsonWriter& w, const DeviceConfig& c);

}  // namespace esphil
