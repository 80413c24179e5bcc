// The hardware interface the core drives. The Arduino layer implements it on the ESP32; tests and the native
// executable implement it in memory. Nothing here may block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "config.h"

namespace esphil {

enum class WifiStatus : uint8_t { Idle, Connecting, Connected, Failed, Disconnected };

struct Hal {
  virtual ~Hal() = default;
  virtual uint64_t millis() = 0;
  // GPIO
  virtual void pinModeOutput(int pin) = 0;
  virtual void pinModeInput(int pin, Pull pull) = 0;
  virtual void digitalWrite(int pin, int level) = 0;
  virtual int digitalRead(int pin) = 0;
  // LEDC: `channel` is the allocated channel (2.x API); 3.x addresses the pin. Returns false if the core refused.
  virtual bool ledcConfigure(int pin, int channel, uint32_t freq, uint32_t bits) = 0;
  virtual void ledcWrite(int pin, int channel, uint32_t duty) = 0;
  // ADC: raw counts (12-bit on ESP32).
  virtual int analogRead(int pin) = 0;
  // WiFi (station). wifiBegin starts connecting and returns at once.
  virtual void wifiBegin(const std::string& ssid, const std::string& password) = 0;
  virtual WifiStatus wifiStatus() = 0;
  virtual std::string localIp() = 0;
  virtual int rssi() = 0;
  // WebSocket transport.
  virtual void send(int client, const std::string& text) = 0;
  virtual void disconnect(int client) = 0;
  // USB serial console.
  virtual void serialWrite(const uint8_t* data, size_t len) = 0;
  // Persistent storage (NVS). load* return false when nothing is stored.
  virtual bool storeConfig(const std::string& json) = 0;
  virtual bool loadConfig(std::string& json) = 0;
  virtual bool storeWifi(const std::string& ssid, const std::string& password) = 0;
  virtual bool loadWifi(std::string& ssid, std::string& password) = 0;
  virtual void reboot() = 0;
  virtual uint32_t heapFree() = 0;
  virtual uint32_t random32() = 0;
  // Last 3 bytes of the MAC, for the device id.
  virtual uint32_t chipId() = 0;
  // esp_reset_reason() name.
  virtual std::string resetReason() = 0;
};

}  // namespace esphil
