// Board pin facts (hardware-facts.md "ESP32 GPIO" and "LEDC"): what each GPIO can do, per chip.
#pragma once
#include <cstdint>
#include <string>

namespace esphil {

enum class Chip : uint8_t { Esp32, Esp32S3, Esp32C3 };

struct BoardProfile {
  const char* id;
  Chip chip;
  uint64_t gpio;       // pins that exist on the module
  uint64_t flash;      // wired to SPI flash/PSRAM: never usable
  uint64_t inputOnly;  // no output driver, no pulls
  uint64_t strapping;  // allowed, warned
  uint64_t adc1;
  uint64_t adc2;  // unreadable while WiFi is on
  uint64_t pwm;
  uint8_t ledcChannels;
  uint8_t ledcMaxBits;
  uint8_t ledcGroups;  // 2 on the original ESP32 (high/low speed), else 1
};

const BoardProfile* findBoard(const std::string& id);
inline bool hasPin(uint64_t mask, int pin) { return pin >= 0 && pin < 64 && ((mask >> pin) & 1ULL) != 0; }

}  // namespace esphil
