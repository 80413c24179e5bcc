// An in-memory Hal for tests: records everything the core drives and lets the test set inputs and time.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "../src/core/hal.h"

struct FakeHal : esphil::Hal {
  uint64_t now = 1000;
  std::map<int, int> levels;  // written outputs
  std::map<int, int> inputs;  // digitalRead values
  std::map<int, int> adc;
  struct Ledc {
    int pin, channel;
    uint32_t freq, bits, duty;
  };
  std::vector<Ledc> ledc;
  std::vector<std::pair<int, std::string>> sent;
  std::vector<int> disconnected;
  std::string serial;
  std::string storedConfig;
  bool hasConfig = false;
  std::string ssid, pass;
  bool hasWifi = false;
  esphil::WifiStatus wifi = esphil::WifiStatus::Idle;
  std::string beganSsid;
  int reboots = 0;

  uint64_t millis() override { return now; }
  void pinModeOutput(int) override {}
  void pinModeInput(int pin, esphil::Pull pull) override {
    if (!inputs.count(pin)) inputs[pin] = pull == esphil::Pull::Up ? 1 : 0;
  }
  void digitalWrite(int pin, int level) override { levels[pin] = level; }
  int digitalRead(int pin) override { return inputs[pin]; }
  bool ledcConfigure(int pin, int channel, uint32_t freq, uint32_t bits) override {
    ledc.push_back({pin, channel, freq, bits, 0});
    return true;
  }
  void ledcWrite(int pin, int channel, uint32_t duty) override { ledc.push_back({pin, channel, 0, 0, duty}); }
  int analogRead(int pin) override { return adc[pin]; }
  void wifiBegin(const std::string& s, const std::string&) override {
    beganSsid = s;
    wifi = esphil::WifiStatus::Connecting;
  }
  esphil::WifiStatus wifiStatus() override { return wifi; }
  std::string localIp() override { return "192.168.1.42"; }
  int rssi() override { return -50; }
  void send(int client, const std::string& text) override { sent.push_back({client, text}); }
  void disconnect(int client) override { disconnected.push_back(client); }
  void serialWrite(const uint8_t* d, size_t n) override { serial.append(reinterpret_cast<const char*>(d), n); }
  bool storeConfig(const std::string& j) override {
    storedConfig = j;
    hasConfig = true;
    return true;
  }
  bool loadConfig(std::string& j) override {
    j = storedConfig;
    return hasConfig;
  }
  bool storeWifi(const std::string& s, const std::string& p) override {
    ssid = s;
    pass = p;
    hasWifi = true;
    return true;
  }
  bool loadWifi(std::string& s, std::string& p) override {
    s = ssid;
    p = pass;
    return hasWifi;
  }
  void reboot() override { ++reboots; }
  uint32_t heapFree() override { return 123456; }
  uint32_t random32() override { return 0x5f2c9e1a; }
  uint32_t chipId() override { return 0xa1b2c3; }
  std::string resetReason() override { return "poweron"; }

  std::vector<std::string> to(int client) const {
    std::vector<std::string> out;
    for (const auto& s : sent) {
      if (s.first == client) out.push_back(s.second);
    }
    return out;
  }
  std::string takeSerial() {
    std::string s = serial;
    serial.clear();
    return s;
  }
};
