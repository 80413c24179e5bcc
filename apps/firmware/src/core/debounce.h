// Button debounce: a level must stay unchanged for debounceMs before it becomes the reported state.
#pragma once
#include <cstdint>

namespace esphil {

class Debouncer {
 public:
  void reset(bool level, uint64_t nowMs) {
    stable_ = raw_ = level;
    changedAt_ = nowMs;
  }
  // Feed the raw level; returns true when the debounced state changed (read it with state()).
  bool update(bool level, uint64_t nowMs, uint32_t debounceMs) {
    if (level != raw_) {
      raw_ = level;
      changedAt_ = nowMs;
    }
    if (raw_ != stable_ && nowMs - changedAt_ >= debounceMs) {
      stable_ = raw_;
      return true;
    }
    return false;
  }
  bool state() const { return stable_; }

 private:
  bool stable_ = false;
  bool raw_ = false;
  uint64_t changedAt_ = 0;
};

}  // namespace esphil
