// The device state machine (mirrors @esphil/device-model step/applyInput): (state, request) -> response,
// events, effects. No I/O and no clock: time and identity come in through StepContext.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app_identity.h"
#include "config.h"
#include "protocol.h"

namespace esphil {

// Delay between a reboot/config.set response and the restart, so the response leaves the device first.
constexpr uint32_t REBOOT_DELAY_MS = 100;
// Sensor values are rounded to this many decimals so TS and C++ print the same JSON.
constexpr int SENSOR_VALUE_DECIMALS = 6;
// ESP32 ADC resolution: a sample is 0..4095.
constexpr int ADC_BITS = 12;

// value = round6(raw * scale + offset), rounding halves up like JS Math.round, -0 printed as 0.
double scaleSensor(double raw, double scale, double offset);

struct OriginRef {
  enum Kind : uint8_t { Ws, Serial, Local } kind = Serial;
  int client = 0;
};

struct Identity {
  std::string fw = "0.1.0";
  std::string board = "esp32-doit-devkit-v1";
  std::string device = "esphil-000000";
  std::string boot = "00000000";
  AppIdentity app;  // hello's and the boot line's optional `app`
};

struct StepContext {
  OriginRef from;
  uint64_t nowMs = 0;
  uint64_t uptimeMs = 0;
  Identity identity;
  int clients = 0;
  bool hasIp = false;
  std::string ip;
  bool hasRssi = false;
  int rssi = 0;
  uint32_t heapFree = 0;
};

enum class EventKind : uint8_t { Led, Pwm, Button, Sensor, Log };
struct Event {
  EventKind kind = EventKind::Log;
  std::string name;  // led / ch / button / sensor
  bool flag = false;  // led on / button pressed
  uint32_t freq = 0, bits = 0, duty = 0;
  double raw = 0, value = 0;
  LogLevel level = LogLevel::Info;
  std::string msg;
  std::string by;
};
// `seq` < 0 leaves it out (an UnsequencedEvent).
std::string encodeEvent(const Event& e, int64_t seq);

enum class EffectKind : uint8_t { Reboot, StoreConfig, PwmOutput, LedOutput };
struct Effect {
  EffectKind kind = EffectKind::Reboot;
  std::string name;
  int pin = -1;
  uint32_t freq = 0, bits = 0, duty = 0;
  double fraction = 0;
  bool on = false;
  int level = 0;
  uint32_t afterMs = 0;
  std::string config;  // JSON text for StoreConfig
  int channel = -1;    // LEDC channel (2.x API)
};
std::string encodeEffect(const Effect& e);

struct PwmRt {
  uint32_t freq = 0, bits = 0, duty = 0;
};
struct SensorRt {
  double raw = 0, value = 0;
};

struct MachineState {
  DeviceConfig config;
  std::vector<bool> leds;
  std::vector<PwmRt> pwm;
  std::vector<bool> buttons;
  std::vector<SensorRt> sensors;
  LogLevel logLevel = LogLevel::Info;
  // subs[client][sensor] = hz, 0 = not subscribed.
  double subs[MAX_CLIENTS][MAX_TARGETS] = {};
  bool authorized[MAX_CLIENTS] = {};
};

struct StepResult {
  std::string response;  // JSON text of the response
  std::vector<Event> events;
  std::vector<Effect> effects;
};

struct LegacyResult {
  bool accepted = false;
  std::string reply;     // "LED is now ON" / "LED is now OFF" when accepted
  std::string response;  // the underlying led.set response (an error when refused)
  std::vector<Event> events;
  std::vector<Effect> effects;
};

class Machine {
 public:
  // Boot from a validated config: initial outputs become effects.
  void init(const DeviceConfig& cfg, std::vector<Effect>& effects);
  // One request object (already parsed; untyped like TS step's input: the step does its own checks).
  void step(const JValue& req, const StepContext& ctx, StepResult& out);
  // A decode error becomes an error response (same shape as a step's).
  static std::string errorResponse(const DecodeError& e);

  // Hardware inputs (applyInput). They return ErrorCode::None, or why the input was ignored.
  ErrorCode buttonInput(const std::string& name, bool pressed, std::vector<Event>& events);
  ErrorCode sensorSample(const std::string& name, double raw, std::vector<Event>& events);
  void clientDisconnected(int client);
  // Legacy tutorial text (legacyStep): a led.set (id 0) of the first LED, by "legacy:<slot>". Refused (not accepted,
  // nothing changed) when legacy text is off, there is no LED, or the slot has not passed auth.
  LegacyResult legacy(bool on, const StepContext& ctx);

  void writeSnapshot(JsonWriter& w) const;
  std::string snapshotJson() const;
  std::string capsJson() const;
  const MachineState& state() const { return s_; }
  MachineState& mutableState() { return s_; }
  bool needsAuth(int client) const { return s_.config.ws.auth && !s_.authorized[clientIdx(client)]; }
  static int clientIdx(int c) { return c < 0 ? 0 : (c >= MAX_CLIENTS ? MAX_CLIENTS - 1 : c); }

  int findLed(const std::string& n) const;
  int findPwm(const std::string& n) const;
  int findButton(const std::string& n) const;
  int findSensor(const std::string& n) const;

 private:
  Effect ledEffect(size_t i) const;
  Effect pwmEffect(size_t i) const;
  MachineState s_;
};

std::string causeOf(const OriginRef& o);

}  // namespace esphil
