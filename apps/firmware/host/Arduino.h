// Host stand-in for the arduino-esp32 core: declarations only, with the real signatures, so the thin Arduino
// layer is type-checked on the host (-c, never linked). Select the LEDC API with -DESP_ARDUINO_VERSION_MAJOR=2|3.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>

#define HIGH 0x1
#define LOW 0x0
#define INPUT 0x01
#define OUTPUT 0x03
#define PULLUP 0x04
#define INPUT_PULLUP 0x05
#define PULLDOWN 0x08
#define INPUT_PULLDOWN 0x09

class String {
 public:
  String(const char* cstr = "");
  String(const String& other);
  ~String();
  String& operator=(const String& rhs);
  const char* c_str() const;
  unsigned int length() const;
  bool equalsIgnoreCase(const String& s) const;
};

class IPAddress {
 public:
  String toString() const;
};

class HardwareSerial {
 public:
  void begin(unsigned long baud);
  size_t setRxBufferSize(size_t size);
  int available();
  int read();
  size_t write(const uint8_t* buffer, size_t size);
  void flush();
};
extern HardwareSerial Serial;

class EspClass {
 public:
  void restart();
  uint32_t getFreeHeap();
  uint64_t getEfuseMac();
};
extern EspClass ESP;

extern "C" uint32_t esp_random(void);
unsigned long millis();
void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
int digitalRead(uint8_t pin);
uint16_t analogRead(uint8_t pin);
void analogReadResolution(uint8_t bits);

#if defined(ESP_ARDUINO_VERSION_MAJOR) && ESP_ARDUINO_VERSION_MAJOR >= 3
// arduino-esp32 3.x: every call takes the pin.
bool ledcAttach(uint8_t pin, uint32_t freq, uint8_t resolution);
bool ledcAttachChannel(uint8_t pin, uint32_t freq, uint8_t resolution, uint8_t channel);
uint32_t ledcChangeFrequency(uint8_t pin, uint32_t freq, uint8_t resolution);
bool ledcWrite(uint8_t pin, uint32_t duty);
bool ledcDetach(uint8_t pin);
#else
// arduino-esp32 2.x: channel-based; channels 2n/2n+1 share a timer.
uint32_t ledcSetup(uint8_t chan, uint32_t freq, uint8_t bit_num);
void ledcAttachPin(uint8_t pin, uint8_t chan);
void ledcWrite(uint8_t chan, uint32_t duty);
void ledcDetachPin(uint8_t pin);
#endif
