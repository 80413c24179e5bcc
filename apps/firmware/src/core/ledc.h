// LEDC channel/timer allocation with arduino-esp32 2.x and 3.x semantics, and the duty arithmetic.
#pragma once
#include <cstdint>
#include <vector>

#include "board.h"

namespace esphil {

enum class CoreLine : uint8_t { V2, V3 };

// freq * 2^bits <= 80 MHz and bits within the chip's range.
bool ledcFeasible(uint32_t freq, uint32_t bits, uint32_t maxBits);
// Effective duty fraction: the maximum raw value is true 100 % (both Arduino cores' "full on").
double pwmFraction(uint32_t raw, uint32_t bits);
// min(round(f * 2^bits), 2^bits - 1).
uint32_t dutyToRaw(double fraction, uint32_t bits);
inline uint32_t maxRaw(uint32_t bits) { return bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u); }

struct LedcRequest {
  uint32_t freq;
  uint32_t bits;
};
struct LedcSlot {
  int channel = -1;
  int timer = -1;  // global timer index: group * 4 + timer-in-group
};

// Assigns channels and timers to outputs in order. Returns -1 on success, else the index of the first output that
// cannot be placed (no channel left, or no timer for its freq/bits).
//  2.x: channel ch uses timer (ch / 2) % 4 of group ch / 8: channels 2n and 2n+1 must agree on freq and bits.
//  3.x: outputs with equal freq and bits share a timer; at most 4 distinct setups per group.
int allocateLedc(const std::vector<LedcRequest>& outs, CoreLine core, const BoardProfile& board,
                 std::vector<LedcSlot>& slots);

}  // namespace esphil
