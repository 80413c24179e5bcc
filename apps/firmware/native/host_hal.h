// The Hal of esphil-native's device mode: virtual time, pins and ADC set by commands, WiFi from the boot command,
// and every effect the core drives recorded as one JSON action (in order) for the command's answer.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../src/core/hal.h"
#include "../src/core/json.h"

namespace esphil {

class Device;

// Bytes as a JSON member: "text" when they are valid UTF-8 (JSON escapes the rest), else "hex".
void writeBytesMember(JsonWriter& w, const std::string& bytes);
// Decodes a "hex" member; false on an odd length or a non-hex digit.
bool decodeHex(const std::string& hex, std::string& out);

struct HostWifi {
  bool hasNetwork = false;  // a network in range
  std::string ssid, password;
  int rssi = -60;
  bool hasStored = false;  // credentials in NVS at boot
  std::string storedSsid, storedPassword;
  std::string ip = "127.0.0.1";
};

class HostHal : public Hal {
 public:
  HostHal(const HostWifi& wifi, uint32_t chipId, uint32_t bootRandom, uint32_t heapBase, std::string resetReason)
      : wifi_(wifi), chipId_(chipId), random_(bootRandom), heapBase_(heapBase), resetReason_(std::move(resetReason)) {}

  // The library fires WStype_DISCONNECTED inside disconnect() (arduinowebsockets-facts.md §6, S.cpp:601): the
  // adapter passes it on to the device, so this Hal does too.
  void attach(Device* d) { device_ = d; }
  // Time only moves forward.
  void advanceTo(uint64_t ms) {
    if (ms > now_) now_ = ms;
  }
  void setDigital(int pin, int level) { inputs_[pin] = level ? 1 : 0; }
  void setAdc(int pin, int raw) { adc_[pin] = raw; }
  std::vector<std::string> takeActions() {
    std::vector<std::string> a;
    a.swap(actions_);
    return a;
  }
  bool restarted() const { return restarted_; }

  uint64_t millis() override { return now_; }
  void pinModeOutput(int pin) override;
  void pinModeInput(int pin, Pull pull) override;
  void digitalWrite(int pin, int level) override;
  int digitalRead(int pin) override { return inputs_[pin]; }
  bool ledcConfigure(int pin, int channel, uint32_t freq, uint32_t bits) override;
  void ledcWrite(int pin, int channel, uint32_t duty) override;
  int analogRead(int pin) override { return adc_[pin]; }
  void wifiBegin(const std::string& ssid, const std::string& password) override;
  WifiStatus wifiStatus() override { return wifiStatus_; }
  std::string localIp() override { return wifi_.ip; }
  int rssi() override { return wifi_.rssi; }
  void send(int client, const std::string& text) override;
  void disconnect(int client) override;
  void serialWrite(const uint8_t* data, size_t len) override;
  bool storeConfig(const std::string& json) override;
  bool loadConfig(std::string&) override { return false; }
  bool storeWifi(const std::string& ssid, const std::string& password) override;
  bool loadWifi(std::string& ssid, std::string& password) override;
  void reboot() override;
  uint32_t heapFree() override;
  uint32_t random32() override { return random_; }
  uint32_t chipId() override { return chipId_; }
  std::string resetReason() override { return resetReason_; }

 private:
  void record(const std::string& json) { actions_.push_back(json); }

  HostWifi wifi_;
  uint32_t chipId_, random_, heapBase_;
  std::string resetReason_;
  Device* device_ = nullptr;
  uint64_t now_ = 0;
  std::map<int, int> inputs_, adc_;
  WifiStatus wifiStatus_ = WifiStatus::Idle;
  std::vector<std::string> actions_;
  bool restarted_ = false;
};

}  // namespace esphil
