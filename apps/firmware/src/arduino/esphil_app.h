// Sketch entry points: the .ino (Arduino IDE / PlatformIO) calls these from setup() and loop().
#pragma once

#ifndef ESPHIL_FW_VERSION
#define ESPHIL_FW_VERSION "0.1.0"
#endif

void esphilSetup();
void esphilLoop();
