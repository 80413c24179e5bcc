#include "board.h"

namespace esphil {

namespace {
constexpr uint64_t bit(int p) { return 1ULL << p; }
constexpr uint64_t range(int a, int b) {
  uint64_t m = 0;
  for (int p = a; p <= b; ++p) m |= bit(p);
  return m;
}
constexpr uint64_t kEsp32Gpio = range(0, 19) | range(21, 23) | range(25, 27) | range(32, 39);
constexpr uint64_t kEsp32Flash = range(6, 11);
constexpr uint64_t kEsp32InOnly = range(34, 39);
constexpr uint64_t kEsp32Strap = bit(0) | bit(2) | bit(5) | bit(12) | bit(15);
constexpr uint64_t kEsp32Adc1 = range(32, 39);
constexpr uint64_t kEsp32Adc2 = bit(0) | bit(2) | bit(4) | range(12, 15) | range(25, 27);
constexpr uint64_t kEsp32Pwm = kEsp32Gpio & ~kEsp32Flash & range(0, 33);

constexpr uint64_t kS3Gpio = range(0, 21) | range(26, 48);
constexpr uint64_t kS3Flash = range(26, 32);
constexpr uint64_t kC3Gpio = range(0, 21);
constexpr uint64_t kC3Flash = range(12, 17);

const BoardProfile kBoards[] = {
    {"esp32-devkitc", Chip::Esp32, kEsp32Gpio, kEsp32Flash, kEsp32InOnly, kEsp32Strap, kEsp32Adc1, kEsp32Adc2, kEsp32Pwm,
     16, 20, 2},
    {"esp32-doit-devkit-v1", Chip::Esp32, kEsp32Gpio, kEsp32Flash, kEsp32InOnly, kEsp32Strap, kEsp32Adc1, kEsp32Adc2,
     kEsp32Pwm, 16, 20, 2},
    {"esp32-s3-devkitc-1", Chip::Esp32S3, kS3Gpio, kS3Flash, 0, bit(0) | bit(3) | bit(45) | bit(46), range(1, 10),
     range(11, 20), kS3Gpio & ~kS3Flash, 8, 14, 1},
    {"esp32-c3-devkitm-1", Chip::Esp32C3, kC3Gpio, kC3Flash, 0, bit(2) | bit(8) | bit(9), range(0, 4), bit(5),
     kC3Gpio & ~kC3Flash, 6, 14, 1},
};
}  // namespace

const BoardProfile* findBoard(const std::string& id) {
  for (const auto& b : kBoards) {
    if (id == b.id) return &b;
  }
  return nullptr;
}

}  // namespace esphil
