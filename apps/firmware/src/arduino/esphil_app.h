// Sketch entry points: the .ino (Arduino IDE / PlatformIO) calls these from setup() and loop().
#pragma once

// Set by scripts/version.py (PlatformIO extra script: `git describe --tags --always --dirty`, else package.json's
// version). This fallback is for builds without it (Arduino IDE).
#ifndef ESPHIL_FW_VERSION
#define ESPHIL_FW_VERSION "0.1.0"
#endif

void esphilSetup();
void esphilLoop();
