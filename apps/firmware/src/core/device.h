// The whole device: connection slots (hello/auth/seq), the state machine, debounce, sensor streams per client,
// the serial console (machine lines, serial requests, Improv provisioning) and effects applied through the Hal.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "auth_throttle.h"
#include "config.h"
#include "debounce.h"
#include "hal.h"
#include "improv.h"
#include "machine.h"

namespace esphil {

// A WiFi connection attempt from Improv gives up after this long.
constexpr uint32_t WIFI_CONNECT_TIMEOUT_MS = 20000;

struct DeviceCounters {
  uint32_t serialOverlongLines = 0;
  uint32_t serialBadImprov = 0;
  uint32_t framesTooLarge = 0;
  uint32_t authTimeouts = 0;
  uint32_t authFailures = 0;
  // Frames from legacy-mode connections that are neither LED ON/OFF nor a JSON object (ignored, PROTOCOL.md 9).
  uint32_t legacyIgnored = 0;
};

class Device {
 public:
  explicit Device(Hal& hal) : hal_(hal) {}
  // Boots with the stored config (NVS) or `defaultConfigJson` (device_config.h); prints the boot line. `app` is the
  // booted image's esp_app_desc_t identity (left out of hello and the boot line when not present).
  bool begin(const char* fwVersion, const char* defaultConfigJson, const AppIdentity& app = AppIdentity());
  void loop();

  // Origin allow-list: empty list = any; a client without Origin (non-browser) is always allowed.
  bool originAllowed(const std::string& origin) const;
  // The library's onValidateHttpHeader callback (arduinowebsockets-facts.md §1.1, S.cpp:789-794): every header the
  // library does not parse itself, name as sent; false refuses the handshake (the library answers its 400). A refused
  // Origin is logged from the next loop(): this runs inside the library's loop, where sending to clients must wait.
  bool validateHeader(const std::string& name, const std::string& value);
  // A client passed the handshake (WStype_CONNECTED). `url` is the request target the library reports, query
  // included: a path other than websocket.path is disconnected (close 1000); the `esphil` query parameter makes an
  // esphil connection (hello or auth_required at once), else it starts in legacy mode when caps.legacyText
  // (PROTOCOL.md 2, 9). `address` is the peer's IP as text (the library's remoteIP(num)): failed auth attempts are
  // counted per address.
  void onConnect(int client, const std::string& url, const std::string& address = std::string());
  void onDisconnect(int client);
  void onText(int client, const char* data, size_t len);
  // A whole binary frame (PROTOCOL.md 2.4): `unauthorized` before auth, else `bad_request`; id null either way.
  void onBinary(int client);
  // A fragment (start, middle or last): the library does not reassemble and the device ignores every one.
  void onFragment(int client);
  void onSerialBytes(const uint8_t* data, size_t len);

  const Machine& machine() const { return machine_; }
  const DeviceConfig& config() const { return machine_.state().config; }
  const Identity& identity() const { return identity_; }
  const DeviceCounters& counters() const { return counters_; }
  int connectedClients() const;
  bool usingDefaultConfig() const { return usingDefault_; }

  // Device log line: plain text on serial; a log event to clients when within the log level.
  void log(LogLevel level, const std::string& msg);

 private:
  struct Slot {
    // PROTOCOL.md 9: a Legacy connection gets text only, until its first JSON object switches it to Esphil for good.
    enum class Mode : uint8_t { Esphil, Legacy };
    bool connected = false;
    Mode mode = Mode::Esphil;
    bool helloSent = false;
    // When the auth deadline started: the connection, or the switch that sent auth_required.
    uint64_t authSince = 0;
    uint32_t seq = 0;
    uint64_t nextSample[MAX_TARGETS] = {};
    std::string address;
    // A wrong token's refusal held by the auth throttle: sent (then disconnect) from loop() at refuseAt; the
    // connection is closing meanwhile and nothing it sends is answered.
    uint64_t refuseAt = 0;
    std::string refusal;
  };
  void closeClient(int client);
  StepContext context(OriginRef from);
  void sendHello(int client);
  void greet(int client);
  bool legacyFrame(int client, const char* data, size_t len);
  std::string legacyBroadcast(const Event& e, int client) const;
  void deliver(const std::vector<Event>& events);
  void apply(const std::vector<Effect>& effects);
  void serialMachine(const std::string& json);
  void serialLine(const std::string& line);
  void handleImprov(const improv::Packet& p);
  void improvSend(uint8_t type, const std::vector<uint8_t>& data);
  void improvState(uint8_t st);
  void improvError(uint8_t err);
  void printReady();
  void pollWifi(uint64_t now);
  void pollButtons(uint64_t now);
  void pollSensors(uint64_t now);

  Hal& hal_;
  Machine machine_;
  Identity identity_;
  DeviceCounters counters_;
  Slot slots_[MAX_CLIENTS];
  std::vector<Debouncer> debouncers_;
  uint32_t serialSeq_ = 0;
  std::string line_;
  bool lineOverflow_ = false;
  improv::Decoder improv_;
  uint8_t improvState_ = improv::Ready;
  bool improvPending_ = false;
  uint64_t wifiStartedAt_ = 0;
  std::string wifiSsid_, wifiPass_;
  WifiStatus lastWifi_ = WifiStatus::Idle;
  bool rebootPending_ = false;
  uint64_t rebootAt_ = 0;
  uint64_t bootAt_ = 0;
  AuthThrottle authThrottle_;
  bool usingDefault_ = true;
  bool originRefused_ = false;
};

}  // namespace esphil
