// The Hal on a real ESP32 (arduino-esp32 2.x or 3.x, arduinoWebSockets 2.7.x, Preferences).
#pragma once
#include <Arduino.h>
#include <Preferences.h>
#include <WebSocketsServer.h>
#include <WiFi.h>

#include "../core/hal.h"

#ifndef ESP_ARDUINO_VERSION_MAJOR
#define ESP_ARDUINO_VERSION_MAJOR 2
#endif

namespace esphil {

class ArduinoHal : public Hal {
 public:
  void attach(WebSocketsServer* ws) { ws_ = ws; }
  uint64_t millis() override;
  void pinModeOutput(int pin) override;
  void pinModeInput(int pin, Pull pull) override;
  void digitalWrite(int pin, int level) override;
  int digitalRead(int pin) override;
  bool ledcConfigure(int pin, int channel, uint32_t freq, uint32_t bits) override;
  void ledcWrite(int pin, int channel, uint32_t duty) override;
  int analogRead(int pin) override;
  void wifiBegin(const std::string& ssid, const std::string& password) override;
  WifiStatus wifiStatus() override;
  std::string localIp() override;
  int rssi() override;
  void send(int client, const std::string& text) override;
  void disconnect(int client) override;
  void serialWrite(const uint8_t* data, size_t len) override;
  bool storeConfig(const std::string& json) override;
  bool loadConfig(std::string& json) override;
  bool storeWifi(const std::string& ssid, const std::string& password) override;
  bool loadWifi(std::string& ssid, std::string& password) override;
  void reboot() override;
  uint32_t heapFree() override;
  uint32_t random32() override;
  uint32_t chipId() override;
  std::string resetReason() override;

 private:
  bool readBlob(const char* key, std::string& out);
  WebSocketsServer* ws_ = nullptr;
  // LEDC setup per pin, so an unchanged freq/bits is not reprogrammed (that would glitch the output).
  struct LedcPin {
    int pin = -1;
    uint32_t freq = 0;
    uint32_t bits = 0;
  };
  LedcPin ledc_[16];
  bool wifiStarted_ = false;
};

}  // namespace esphil
