#include "board.h"

#include <algorithm>

namespace esphil {

namespace {

const LedcProfile kEsp32Ledc{16, 2, 8, 4, 20, 80000000UL, true};
const LedcProfile kS3Ledc{8, 1, 8, 4, 14, 80000000UL, false};
const LedcProfile kC3Ledc{6, 1, 6, 4, 14, 80000000UL, false};

GpioInfo base(int n, bool flash) {
  GpioInfo g;
  g.gpio = n;
  g.flash = flash;
  g.input = !flash;
  g.output = !flash;
  g.pulls = !flash;
  g.pwm = !flash;
  g.exposed = !flash;
  return g;
}

const char* esp32Strap(int n) {
  switch (n) {
    case 0: return "GPIO0 low at reset enters ROM download mode";
    case 2: return "GPIO2 must be low or floating to enter download mode";
    case 5: return "GPIO5 sets SDIO slave timing at reset";
    case 12: return "GPIO12 (MTDI) high at reset selects 1.8 V flash and can brown out a 3.3 V flash module";
    case 15: return "GPIO15 (MTDO) low at reset silences the ROM boot log";
    default: return nullptr;
  }
}

std::vector<GpioInfo> esp32Gpios(const std::vector<int>& exposed, bool psramOnVariants, bool doit) {
  static const int kNums[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                              17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33, 34, 35, 36, 37, 38, 39};
  static const int kAdc1[][2] = {{36, 0}, {37, 1}, {38, 2}, {39, 3}, {32, 4}, {33, 5}, {34, 6}, {35, 7}};
  static const int kAdc2[][2] = {{4, 0}, {0, 1}, {2, 2}, {15, 3}, {13, 4}, {12, 5}, {14, 6}, {27, 7}, {25, 8}, {26, 9}};
  std::vector<GpioInfo> out;
  for (int n : kNums) {
    bool flash = n >= 6 && n <= 11;
    bool inputOnly = n >= 34;
    GpioInfo g = base(n, flash);
    g.output = !flash && !inputOnly;
    g.pulls = !flash && !inputOnly;
    g.pwm = !flash && n < 34;
    g.psramOnVariants = (n == 16 || n == 17) && psramOnVariants;
    g.strapping = esp32Strap(n);
    g.uart0 = n == 1 ? "TX" : n == 3 ? "RX" : nullptr;
    for (const auto& a : kAdc1) {
      if (a[0] == n) {
        g.adcUnit = 1;
        g.adcChannel = a[1];
      }
    }
    if (g.adcUnit == 0) {
      for (const auto& a : kAdc2) {
        if (a[0] == n) {
          g.adcUnit = 2;
          g.adcChannel = a[1];
        }
      }
    }
    g.exposed = std::find(exposed.begin(), exposed.end(), n) != exposed.end();
    if (n == 0) g.note = doit ? "BOOT button (not on the headers)" : "BOOT button";
    if (n == 2 && doit) g.note = "on-board blue LED (LED_BUILTIN)";
    out.push_back(g);
  }
  return out;
}

std::vector<GpioInfo> s3Gpios() {
  std::vector<GpioInfo> out;
  for (int n = 0; n <= 48; ++n) {
    if (n >= 22 && n <= 25) continue;
    bool flash = n >= 26 && n <= 32;
    bool psramPin = n >= 33 && n <= 37;
    GpioInfo g = base(n, flash);
    g.psram = psramPin;  // octal PSRAM (N8R8)
    switch (n) {
      case 0: g.strapping = "GPIO0 low at reset enters ROM download mode (BOOT button)"; break;
      case 3: g.strapping = "GPIO3 selects the JTAG signal source at reset"; break;
      case 45: g.strapping = "GPIO45 selects the flash voltage (VDD_SPI) at reset"; break;
      case 46: g.strapping = "GPIO46 low at reset is needed for download mode; it also gates the ROM log"; break;
      default: break;
    }
    g.uart0 = n == 43 ? "TX" : n == 44 ? "RX" : nullptr;
    g.usb = n == 19 ? "D-" : n == 20 ? "D+" : nullptr;
    if (n >= 1 && n <= 10) {
      g.adcUnit = 1;
      g.adcChannel = n - 1;
    } else if (n >= 11 && n <= 20) {
      g.adcUnit = 2;
      g.adcChannel = n - 11;
    }
    g.exposed = !flash && n != 33 && n != 34;
    if (n == 48) g.note = "on-board WS2812 RGB LED on DevKitC-1 v1.0 (GPIO38 on v1.1)";
    out.push_back(g);
  }
  return out;
}

std::vector<GpioInfo> c3Gpios() {
  std::vector<GpioInfo> out;
  for (int n = 0; n <= 21; ++n) {
    bool flash = n >= 11 && n <= 17;
    GpioInfo g = base(n, flash);
    switch (n) {
      case 2: g.strapping = "GPIO2 must be high at reset for SPI boot"; break;
      case 8: g.strapping = "GPIO8 must be high at reset for download mode (on-board RGB LED on DevKitM-1)"; break;
      case 9: g.strapping = "GPIO9 low at reset enters ROM download mode (BOOT button)"; break;
      default: break;
    }
    g.uart0 = n == 21 ? "TX" : n == 20 ? "RX" : nullptr;
    g.usb = n == 18 ? "D-" : n == 19 ? "D+" : nullptr;
    if (n <= 4) {
      g.adcUnit = 1;
      g.adcChannel = n;
    } else if (n == 5) {
      g.adcUnit = 2;
      g.adcChannel = 0;
    }
    if (n == 11) g.note = "VDD_SPI (flash supply) unless an eFuse is burnt";
    if (n == 0 || n == 1) g.note = "XTAL_32K pin";
    out.push_back(g);
  }
  return out;
}

const std::vector<BoardProfile>& boards() {
  // Built on first use: no static-initialisation-order dependency on the device.
  static const std::vector<BoardProfile> kBoards = {
      {"esp32-devkitc", "ESP32-DevKitC", "esp32",
       "ESP32-WROOM-32E (DevKitC-VE ships ESP32-WROVER-E with PSRAM on GPIO16/17)", Chip::Esp32, kEsp32Ledc,
       esp32Gpios({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33,
                   34, 35, 36, 39},
                  true, false)},
      {"esp32-doit-devkit-v1", "DOIT ESP32 DevKit V1", "esp32", "ESP32-WROOM-32", Chip::Esp32, kEsp32Ledc,
       esp32Gpios({1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33, 34, 35, 36, 39}, false,
                  true)},
      {"esp32-s3-devkitc-1", "ESP32-S3-DevKitC-1", "esp32-s3", "ESP32-S3-WROOM-1-N8R8", Chip::Esp32S3, kS3Ledc,
       s3Gpios()},
      {"esp32-c3-devkitm-1", "ESP32-C3-DevKitM-1", "esp32-c3", "ESP32-C3-MINI-1", Chip::Esp32C3, kC3Ledc, c3Gpios()},
  };
  return kBoards;
}

}  // namespace

const BoardProfile* findBoard(const std::string& id) {
  for (const auto& b : boards()) {
    if (id == b.id) return &b;
  }
  return nullptr;
}

const GpioInfo* findGpio(const BoardProfile& b, int pin) {
  for (const auto& g : b.gpios) {
    if (g.gpio == pin) return &g;
  }
  return nullptr;
}

const char* boardIdList() { return "esp32-devkitc, esp32-doit-devkit-v1, esp32-s3-devkitc-1, esp32-c3-devkitm-1"; }

}  // namespace esphil
