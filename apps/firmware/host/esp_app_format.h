// Host stand-in for ESP-IDF esp_app_format.h (declarations only). On IDF 4.4 (arduino-esp32 2.x) it lives in
// bootloader_support and also defines esp_app_desc_t; IDF 5.x keeps only the image headers here and moved
// esp_app_desc_t to esp_app_desc.h, so this stand-in declares it for 2.x only.
#pragma once
#include <stdint.h>

#if !defined(ESP_ARDUINO_VERSION_MAJOR) || ESP_ARDUINO_VERSION_MAJOR < 3
#define ESP_APP_DESC_MAGIC_WORD 0xABCD5432

typedef struct {
  uint32_t magic_word;
  uint32_t secure_version;
  uint32_t reserv1[2];
  char version[32];
  char project_name[32];
  char time[16];
  char date[16];
  char idf_ver[32];
  uint8_t app_elf_sha256[32];
  uint32_t reserv2[20];
} esp_app_desc_t;
static_assert(sizeof(esp_app_desc_t) == 256, "esp_app_desc_t is 256 bytes");
#endif
