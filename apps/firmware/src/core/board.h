// Board profiles (mirror of device-model boards/): every GPIO's capabilities and the LEDC peripheral, per board.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace esphil {

enum class Chip : uint8_t { Esp32, Esp32S3, Esp32C3 };

struct GpioInfo {
  int gpio = -1;
  bool input = true;
  bool output = true;
  bool pulls = true;
  bool flash = false;
  bool psram = false;
  bool psramOnVariants = false;
  const char* strapping = nullptr;  // why it is a strapping pin, or null
  const char* uart0 = nullptr;      // "TX" / "RX"
  const char* usb = nullptr;        // "D-" / "D+"
  int adcUnit = 0;                  // 0 = none
  int adcChannel = -1;
  bool pwm = true;
  bool exposed = true;
  const char* note = nullptr;
};

struct LedcProfile {
  int channels;
  int groups;
  int channelsPerGroup;
  int timersPerGroup;
  int maxBits;
  uint32_t clockHz;
  bool highSpeedGroup;
};

struct BoardProfile {
  const char* id;
  const char* name;
  const char* chipName;
  const char* module;
  Chip chip;
  LedcProfile ledc;
  std::vector<GpioInfo> gpios;
};

const BoardProfile* findBoard(const std::string& id);
const GpioInfo* findGpio(const BoardProfile& b, int pin);
// "esp32-devkitc, esp32-doit-devkit-v1, ..." for messages.
const char* boardIdList();

}  // namespace esphil
