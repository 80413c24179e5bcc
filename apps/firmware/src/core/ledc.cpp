#include "ledc.h"

#include <cmath>

#include "limits.h"

namespace esphil {

bool ledcFeasible(uint32_t freq, uint32_t bits, uint32_t maxBits) {
  if (bits < 1 || bits > maxBits || freq < 1) return false;
  return static_cast<uint64_t>(freq) * (1ULL << bits) <= LEDC_APB_HZ;
}

double pwmFraction(uint32_t raw, uint32_t bits) {
  uint32_t mx = maxRaw(bits);
  if (raw >= mx) return 1.0;
  return static_cast<double>(raw) / static_cast<double>(1ULL << bits);
}

uint32_t dutyToRaw(double fraction, uint32_t bits) {
  if (!(fraction > 0)) return 0;
  double scaled = std::round(fraction * static_cast<double>(1ULL << bits));
  double mx = static_cast<double>(maxRaw(bits));
  return static_cast<uint32_t>(scaled > mx ? mx : scaled);
}

int allocateLedc(const std::vector<LedcRequest>& outs, CoreLine core, const BoardProfile& board,
                 std::vector<LedcSlot>& slots) {
  const int nch = board.ledcChannels;
  const int perGroup = nch / board.ledcGroups;
  slots.assign(outs.size(), LedcSlot());
  std::vector<int> owner(static_cast<size_t>(nch), -1);
  if (core == CoreLine::V2) {
    for (size_t i = 0; i < outs.size(); ++i) {
      int chosen = -1;
      for (int ch = 0; ch < nch && chosen < 0; ++ch) {
        if (owner[static_cast<size_t>(ch)] >= 0) continue;
        int mate = ch ^ 1;
        int m = mate < nch ? owner[static_cast<size_t>(mate)] : -1;
        if (m < 0 || (outs[static_cast<size_t>(m)].freq == outs[i].freq && outs[static_cast<size_t>(m)].bits == outs[i].bits)) {
          chosen = ch;
        }
      }
      if (chosen < 0) return static_cast<int>(i);
      owner[static_cast<size_t>(chosen)] = static_cast<int>(i);
      slots[i].channel = chosen;
      slots[i].timer = (chosen / perGroup) * 4 + (chosen % perGroup) / 2 % 4;
    }
    return -1;
  }
  // 3.x: timers are keyed by (freq, bits) within a group.
  struct T {
    uint32_t freq, bits;
  };
  std::vector<std::vector<T>> timers(static_cast<size_t>(board.ledcGroups));
  for (size_t i = 0; i < outs.size(); ++i) {
    bool placed = false;
    for (int ch = 0; ch < nch && !placed; ++ch) {
      if (owner[static_cast<size_t>(ch)] >= 0) continue;
      auto& tg = timers[static_cast<size_t>(ch / perGroup)];
      int t = -1;
      for (size_t k = 0; k < tg.size(); ++k) {
        if (tg[k].freq == outs[i].freq && tg[k].bits == outs[i].bits) t = static_cast<int>(k);
      }
      if (t < 0) {
        if (tg.size() >= 4) continue;
        tg.push_back({outs[i].freq, outs[i].bits});
        t = static_cast<int>(tg.size()) - 1;
      }
      owner[static_cast<size_t>(ch)] = static_cast<int>(i);
      slots[i].channel = ch;
      slots[i].timer = (ch / perGroup) * 4 + t;
      placed = true;
    }
    if (!placed) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace esphil
