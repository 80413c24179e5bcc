// The esp_app_desc_t layout both host stand-ins declare (esp_app_format.h for IDF 4.4 / arduino-esp32 2.x,
// esp_app_desc.h for IDF 5.x / 3.x): the same 256 bytes in both IDF lines for the members read here
// (components/esp_app_format/include/esp_app_desc.h; bootloader_support/include/esp_app_format.h on 4.4).
// Not an ESP-IDF header: included only by those two stand-ins, under their version guards.
#pragma once
#include <stdint.h>

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
