// Host stand-in for ESP-IDF 5.x esp_app_desc.h (component esp_app_format; arduino-esp32 3.x). Declarations only,
// the layout of components/esp_app_format/include/esp_app_desc.h (256 bytes; newer 5.x minors split reserv2 into
// efuse/MMU fields, the members read here stay where they are).
#pragma once
#include <stddef.h>
#include <stdint.h>

#if !defined(ESP_ARDUINO_VERSION_MAJOR) || ESP_ARDUINO_VERSION_MAJOR < 3
#error "esp_app_desc.h exists from ESP-IDF 5.0 (arduino-esp32 3.x); 2.x has esp_app_desc_t in esp_app_format.h"
#endif

#define ESP_APP_DESC_MAGIC_WORD (0xABCD5432)

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

extern "C" const esp_app_desc_t* esp_app_get_description(void);
extern "C" int esp_app_get_elf_sha256(char* dst, size_t size);
