#include "ledc.h"

#include <cmath>

#include "json.h"

namespace esphil {

static std::string num(double d) { return jsonNumber(d); }

std::string ledcProblem(double freq, double bits, const LedcProfile& p) {
  if (!(std::floor(freq) == freq) || freq < 1) return "frequency " + num(freq) + " Hz is not a whole number of Hz >= 1";
  if (!(std::floor(bits) == bits) || bits < 1 || bits > p.maxBits) {
    return "resolution " + num(bits) + " bits is outside 1.." + std::to_string(p.maxBits);
  }
  double product = freq * std::pow(2.0, bits);
  if (product > p.clockHz) {
    return num(freq) + " Hz x 2^" + num(bits) + " = " + num(product) + " exceeds the " + num(p.clockHz / 1e6) +
           " MHz LEDC clock (at most " + std::to_string(ledcMaxBits(freq, p)) + " bits at " + num(freq) + " Hz)";
  }
  return "";
}

int ledcMaxBits(double freq, const LedcProfile& p) {
  if (!(freq >= 1)) return 0;
  int bits = 0;
  while (bits < p.maxBits && freq * std::pow(2.0, bits + 1) <= p.clockHz) ++bits;
  return bits;
}

double pwmFraction(uint32_t raw, uint32_t bits) {
  double full = std::pow(2.0, bits);
  if (raw == 0) return 0;
  // Both cores turn the maximum into a permanently high output, except at 1 bit (max_duty == 1): 50 % there.
  if (static_cast<double>(raw) >= full - 1) return bits > 1 ? 1.0 : 0.5;
  return static_cast<double>(raw) / full;
}

uint32_t dutyToRaw(double fraction, uint32_t bits) {
  double full = std::pow(2.0, bits);
  double f = std::isnan(fraction) ? 0 : (fraction < 0 ? 0 : (fraction > 1 ? 1 : fraction));
  double r = std::round(f * full);  // JS Math.round: halves go up; f*full >= 0 so std::round agrees
  if (r > full - 1) r = full - 1;
  return static_cast<uint32_t>(r);
}

namespace {
bool sameSetup(const LedcRequest& a, const LedcRequest& b) { return a.freq == b.freq && a.bits == b.bits; }
std::string setup(const LedcRequest& r) { return std::to_string(r.freq) + " Hz / " + std::to_string(r.bits) + " bits"; }
}  // namespace

bool allocateLedc(const std::vector<LedcRequest>& outs, const LedcProfile& ledc, CoreLine core,
                  std::vector<LedcSlot>& slots, std::vector<LedcIssue>& issues) {
  const size_t nch = static_cast<size_t>(ledc.channels);
  std::vector<int> owner(nch, -1);  // channel -> request index
  slots.assign(outs.size(), LedcSlot());
  std::vector<int> channelOf(outs.size(), -1);
  size_t before = issues.size();

  for (size_t i = 0; i < outs.size(); ++i) {
    const LedcRequest& r = outs[i];
    if (r.channel < 0) continue;
    int ch = r.channel;
    if (ch >= ledc.channels) {
      issues.push_back({i, "channel", "ledc.channel-range",
                        "PWM '" + r.name + "' (GPIO" + std::to_string(r.pin) + ") asks for LEDC channel " +
                            std::to_string(ch) + ", but this chip has channels 0.." + std::to_string(ledc.channels - 1),
                        "Use a channel from 0 to " + std::to_string(ledc.channels - 1) +
                            ", or leave 'channel' out to let the allocator pick."});
      continue;
    }
    if (owner[static_cast<size_t>(ch)] >= 0) {
      const LedcRequest& t = outs[static_cast<size_t>(owner[static_cast<size_t>(ch)])];
      issues.push_back({i, "channel", "ledc.channel-duplicate",
                        "PWM '" + r.name + "' (GPIO" + std::to_string(r.pin) + ") asks for LEDC channel " +
                            std::to_string(ch) + ", already used by '" + t.name + "'",
                        "Give '" + r.name + "' another channel or leave 'channel' out."});
      continue;
    }
    if (core == CoreLine::V2) {
      size_t mate = static_cast<size_t>(ch ^ 1);
      if (mate < nch && owner[mate] >= 0 && !sameSetup(outs[static_cast<size_t>(owner[mate])], r)) {
        const LedcRequest& p = outs[static_cast<size_t>(owner[mate])];
        issues.push_back({i, "channel", "ledc.timer-conflict",
                          "PWM '" + r.name + "' (GPIO" + std::to_string(r.pin) + ") on LEDC channel " + std::to_string(ch) +
                              " shares a timer with '" + p.name + "' on channel " + std::to_string(ch ^ 1) +
                              " (arduino-esp32 2.x pairs channels 2n/2n+1), but wants " + std::to_string(r.freq) +
                              " Hz / " + std::to_string(r.bits) + " bits instead of " + std::to_string(p.freq) + " Hz / " +
                              std::to_string(p.bits) + " bits",
                          "Use the same frequency and resolution as '" + p.name +
                              "', or move one of them to a channel of another pair."});
        continue;
      }
    }
    owner[static_cast<size_t>(ch)] = static_cast<int>(i);
    channelOf[i] = ch;
  }

  bool tooManyReported = false;
  for (size_t i = 0; i < outs.size(); ++i) {
    const LedcRequest& r = outs[i];
    if (r.channel >= 0) continue;
    int ch = -1;
    if (core == CoreLine::V2) {
      for (size_t c = 0; c < nch && ch < 0; ++c) {
        size_t mate = c ^ 1;
        if (owner[c] < 0 && mate < nch && owner[mate] >= 0 && sameSetup(outs[static_cast<size_t>(owner[mate])], r)) {
          ch = static_cast<int>(c);
        }
      }
      for (size_t c = 0; c < nch && ch < 0; ++c) {
        size_t mate = c ^ 1;
        if (owner[c] < 0 && (mate >= nch || owner[mate] < 0)) ch = static_cast<int>(c);
      }
    } else {
      for (size_t c = 0; c < nch && ch < 0; ++c) {
        if (owner[c] < 0) ch = static_cast<int>(c);
      }
    }
    if (ch < 0) {
      if (outs.size() > nch) {
        if (!tooManyReported) {
          tooManyReported = true;
          issues.push_back({i, "", "pwm.too-many",
                            std::to_string(outs.size()) + " PWM outputs, but this chip has only " +
                                std::to_string(ledc.channels) + " LEDC channels ('" + r.name + "' on GPIO" +
                                std::to_string(r.pin) + " is the first that does not fit)",
                            "Remove " + std::to_string(outs.size() - nch) +
                                " PWM output(s), or drive simple on/off loads as LEDs."});
        }
        continue;
      }
      issues.push_back({i, "", "ledc.timer-conflict",
                        "PWM '" + r.name + "' (GPIO" + std::to_string(r.pin) + ", " + setup(r) +
                            "): no LEDC channel pair left whose shared timer is free or already runs " + setup(r) +
                            " (arduino-esp32 2.x pairs channels 2n/2n+1 on one timer)",
                        "Give it the same frequency and resolution as another PWM output, or use fewer distinct "
                        "frequency/resolution setups."});
      continue;
    }
    owner[static_cast<size_t>(ch)] = static_cast<int>(i);
    channelOf[i] = ch;
  }

  std::vector<std::vector<LedcRequest>> timers(static_cast<size_t>(ledc.groups));
  for (size_t i = 0; i < outs.size(); ++i) {
    int ch = channelOf[i];
    if (ch < 0) continue;
    int group = ch / ledc.channelsPerGroup;
    int timer = -1;
    if (core == CoreLine::V2) {
      timer = ((ch % ledc.channelsPerGroup) / 2) % ledc.timersPerGroup;
    } else {
      auto& used = timers[static_cast<size_t>(group)];
      for (size_t k = 0; k < used.size() && timer < 0; ++k) {
        if (sameSetup(used[k], outs[i])) timer = static_cast<int>(k);
      }
      if (timer < 0) {
        if (used.size() < static_cast<size_t>(ledc.timersPerGroup)) {
          timer = static_cast<int>(used.size());
          used.push_back(outs[i]);
        } else {
          std::string others;
          for (const auto& u : used) others += (others.empty() ? "" : ", ") + std::to_string(u.freq) + " Hz/" + std::to_string(u.bits) + " bits";
          std::string hint = "Reuse one of those frequency/resolution setups.";
          if (ledc.groups > 1) {
            hint = "Reuse one of those frequency/resolution setups, or put it in the other speed group with 'channel' (" +
                   (group == 0 ? std::to_string(ledc.channelsPerGroup) + ".." + std::to_string(ledc.channels - 1)
                               : "0.." + std::to_string(ledc.channelsPerGroup - 1)) +
                   ").";
          }
          issues.push_back({i, "", "ledc.timer-conflict",
                            "PWM '" + outs[i].name + "' (GPIO" + std::to_string(outs[i].pin) + ", " + setup(outs[i]) +
                                ") on LEDC channel " + std::to_string(ch) + ": all " +
                                std::to_string(ledc.timersPerGroup) + " timers of group " + std::to_string(group) +
                                " already run other setups (" + others + ")",
                            hint});
          continue;
        }
      }
    }
    slots[i].channel = ch;
    slots[i].group = group;
    slots[i].timer = timer;
  }
  return issues.size() == before;
}

}  // namespace esphil
