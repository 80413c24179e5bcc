// Host stand-in for arduino-esp32 cores/esp32/pgmspace.h: the ESP32 reads flash through its cache, so PROGMEM
// places nothing specially and PGM_P is a plain pointer (the core defines both the same way).
#pragma once
#define PROGMEM
#define PGM_P const char*
