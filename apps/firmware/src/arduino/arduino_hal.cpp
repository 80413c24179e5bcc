#include "arduino_hal.h"

#include <esp_system.h>

namespace esphil {

namespace {
constexpr const char* kNvsNamespace = "esphil";
constexpr const char* kKeyConfig = "config";
constexpr const char* kKeySsid = "ssid";
constexpr const char* kKeyPass = "pass";
}  // namespace

uint64_t ArduinoHal::millis() {
  // millis() wraps after 49 days; widen it so the core's deadlines never wrap.
  static uint32_t last = 0;
  static uint64_t high = 0;
  uint32_t now = static_cast<uint32_t>(::millis());
  if (now < last) high += 0x100000000ULL;
  last = now;
  return high | now;
}

void ArduinoHal::pinModeOutput(int pin) { ::pinMode(static_cast<uint8_t>(pin), OUTPUT); }
void ArduinoHal::pinModeInput(int pin, Pull pull) {
  uint8_t mode = pull == Pull::Up ? INPUT_PULLUP : pull == Pull::Down ? INPUT_PULLDOWN : INPUT;
  ::pinMode(static_cast<uint8_t>(pin), mode);
}
void ArduinoHal::digitalWrite(int pin, int level) { ::digitalWrite(static_cast<uint8_t>(pin), level ? HIGH : LOW); }
int ArduinoHal::digitalRead(int pin) { return ::digitalRead(static_cast<uint8_t>(pin)); }

bool ArduinoHal::ledcConfigure(int pin, int channel, uint32_t freq, uint32_t bits) {
  if (channel < 0 || channel >= 16) return false;
  LedcPin& st = ledc_[channel];
  if (st.pin == pin && st.freq == freq && st.bits == bits) return true;
  bool ok;
#if ESP_ARDUINO_VERSION_MAJOR >= 3
  if (st.pin == pin) {
    ok = ::ledcChangeFrequency(static_cast<uint8_t>(pin), freq, static_cast<uint8_t>(bits)) != 0;
  } else {
    ok = ::ledcAttachChannel(static_cast<uint8_t>(pin), freq, static_cast<uint8_t>(bits), static_cast<uint8_t>(channel));
  }
#else
  // 2.x: ledcSetup returns the achieved frequency, 0 when freq x 2^bits cannot be achieved.
  ok = ::ledcSetup(static_cast<uint8_t>(channel), freq, static_cast<uint8_t>(bits)) != 0;
  if (ok && st.pin != pin) ::ledcAttachPin(static_cast<uint8_t>(pin), static_cast<uint8_t>(channel));
#endif
  if (ok) {
    st.pin = pin;
    st.freq = freq;
    st.bits = bits;
  }
  return ok;
}

void ArduinoHal::ledcWrite(int pin, int channel, uint32_t duty) {
  // Both cores turn duty == 2^bits - 1 into a true 100 % output; the core relies on that (full-on quirk).
#if ESP_ARDUINO_VERSION_MAJOR >= 3
  (void)channel;
  ::ledcWrite(static_cast<uint8_t>(pin), duty);
#else
  (void)pin;
  ::ledcWrite(static_cast<uint8_t>(channel), duty);
#endif
}

int ArduinoHal::analogRead(int pin) { return ::analogRead(static_cast<uint8_t>(pin)); }

void ArduinoHal::wifiBegin(const std::string& ssid, const std::string& password) {
  WiFi.mode(WIFI_STA);
  // Modem sleep adds 40-250 ms to every round trip; control traffic needs it off.
  WiFi.setSleep(false);
  WiFi.begin(ssid.c_str(), password.c_str());
  wifiStarted_ = true;
}

WifiStatus ArduinoHal::wifiStatus() {
  if (!wifiStarted_) return WifiStatus::Idle;
  switch (WiFi.status()) {
    case WL_CONNECTED: return WifiStatus::Connected;
    case WL_CONNECT_FAILED:
    case WL_NO_SSID_AVAIL: return WifiStatus::Failed;
    case WL_CONNECTION_LOST: return WifiStatus::Disconnected;
    default: return WifiStatus::Connecting;
  }
}

std::string ArduinoHal::localIp() { return std::string(WiFi.localIP().toString().c_str()); }
int ArduinoHal::rssi() { return static_cast<int>(WiFi.RSSI()); }

void ArduinoHal::send(int client, const std::string& text) {
  if (ws_ == nullptr || client < 0) return;
  ws_->sendTXT(static_cast<uint8_t>(client), text.c_str(), text.size());
}
void ArduinoHal::disconnect(int client) {
  if (ws_ != nullptr && client >= 0) ws_->disconnect(static_cast<uint8_t>(client));
}

void ArduinoHal::serialWrite(const uint8_t* data, size_t len) { Serial.write(data, len); }

bool ArduinoHal::readBlob(const char* key, std::string& out) {
  Preferences p;
  if (!p.begin(kNvsNamespace, true)) return false;
  size_t n = p.getBytesLength(key);
  bool ok = false;
  if (n > 0 && n <= MAX_SERIAL_LINE) {
    out.assign(n, '\0');
    ok = p.getBytes(key, &out[0], n) == n;
  }
  p.end();
  return ok;
}

bool ArduinoHal::storeConfig(const std::string& json) {
  Preferences p;
  if (!p.begin(kNvsNamespace, false)) return false;
  // A blob, not a string: NVS strings are limited to 4000 bytes, a full config can be larger.
  bool ok = p.putBytes(kKeyConfig, json.data(), json.size()) == json.size();
  p.end();
  return ok;
}
bool ArduinoHal::loadConfig(std::string& json) { return readBlob(kKeyConfig, json); }

bool ArduinoHal::storeWifi(const std::string& ssid, const std::string& password) {
  Preferences p;
  if (!p.begin(kNvsNamespace, false)) return false;
  bool ok = p.putBytes(kKeySsid, ssid.data(), ssid.size()) == ssid.size();
  ok = (p.putBytes(kKeyPass, password.data(), password.size()) == password.size() || password.empty()) && ok;
  p.end();
  return ok;
}
bool ArduinoHal::loadWifi(std::string& ssid, std::string& password) {
  if (!readBlob(kKeySsid, ssid)) return false;
  if (!readBlob(kKeyPass, password)) password.clear();
  return true;
}

void ArduinoHal::reboot() {
  Serial.flush();
  ESP.restart();
}
uint32_t ArduinoHal::heapFree() { return ESP.getFreeHeap(); }
uint32_t ArduinoHal::random32() { return esp_random(); }
uint32_t ArduinoHal::chipId() {
  uint64_t mac = ESP.getEfuseMac();
  // The efuse MAC is little-endian in the uint64: the last three MAC bytes are bits 24..47.
  return static_cast<uint32_t>((mac >> 24) & 0xFFFFFFULL);
}

std::string ArduinoHal::resetReason() {
  switch (esp_reset_reason()) {
    case ESP_RST_POWERON: return "poweron";
    case ESP_RST_EXT: return "ext";
    case ESP_RST_SW: return "sw";
    case ESP_RST_PANIC: return "panic";
    case ESP_RST_INT_WDT:
    case ESP_RST_TASK_WDT:
    case ESP_RST_WDT: return "wdt";
    case ESP_RST_DEEPSLEEP: return "deepsleep";
    case ESP_RST_BROWNOUT: return "brownout";
    case ESP_RST_SDIO: return "sdio";
    default: return "unknown";
  }
}

}  // namespace esphil
