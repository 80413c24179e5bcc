// Host stand-in for arduino-esp32 Preferences (NVS), declarations only.
#pragma once
#include "Arduino.h"

class Preferences {
 public:
  Preferences();
  ~Preferences();
  bool begin(const char* name, bool readOnly = false, const char* partition_label = nullptr);
  void end();
  size_t getBytesLength(const char* key);
  size_t getBytes(const char* key, void* buf, size_t maxLen);
  size_t putBytes(const char* key, const void* value, size_t len);
  bool remove(const char* key);
};
