// esphil reference firmware. Arduino IDE: open this folder (the sketch name matches the folder "firmware"); the IDE
// compiles src/ recursively. PlatformIO: see platformio.ini. Default configuration: src/arduino/device_config.h.
#include "src/arduino/esphil_app.h"

void setup() { esphilSetup(); }

void loop() { esphilLoop(); }
