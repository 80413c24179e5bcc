// LEDC channel/timer allocation with arduino-esp32 2.x and 3.x semantics (mirror of device-model ledc/), and the
// duty arithmetic including the full-on quirk.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "board.h"

namespace esphil {

enum class CoreLine : uint8_t { V2, V3 };

// Why freq/bits cannot be set up on this LEDC, or "" when they can (freq x 2^bits <= clock, bits 1..maxBits).
std::string ledcProblem(double freq, double bits, const LedcProfile& p);
inline bool ledcFeasible(double freq, double bits, const LedcProfile& p) { return ledcProblem(freq, bits, p).empty(); }
int ledcMaxBits(double freq, const LedcProfile& p);
// Effective duty fraction: the maximum raw value is true 100 % (both Arduino cores' "full on").
double pwmFraction(uint32_t raw, uint32_t bits);
// min(round(f * 2^bits), 2^bits - 1).
uint32_t dutyToRaw(double fraction, uint32_t bits);
inline uint32_t maxRaw(uint32_t bits) { return bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u); }

struct LedcRequest {
  std::string name;
  int pin = -1;
  uint32_t freq = 0;
  uint32_t bits = 0;
  int channel = -1;  // -1: the allocator picks
};
struct LedcSlot {
  int channel = -1;  // -1: not placed
  int group = -1;
  int timer = -1;
};
struct LedcIssue {
  size_t index;
  std::string field;  // "" or "channel"
  std::string code;   // ledc.channel-range, ledc.channel-duplicate, ledc.timer-conflict, pwm.too-many
  std::string message;
  std::string hint;
};

// 2.x: channel ch runs timer ((ch % perGroup) / 2) % timersPerGroup of group ch / perGroup; partners 2n/2n+1 must
//   agree. Explicit channels first; others next to a partner with the same setup, else into a free pair.
// 3.x: lowest free channel; equal setups share a timer within a group; too many distinct setups fail.
// Returns true when every output was placed.
bool allocateLedc(const std::vector<LedcRequest>& outs, const LedcProfile& ledc, CoreLine core,
                  std::vector<LedcSlot>& slots, std::vector<LedcIssue>& issues);

}  // namespace esphil
