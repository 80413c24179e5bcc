// The device's own page on HTTP (the tutorial's split: page on 80, WebSocket on 81). The page is the web UI's
// Live view, embedded gzip by apps/firmware-config's build (src/generated/web_page.h).
#pragma once
#include <stdint.h>

#ifndef ESPHIL_HTTP_PORT
#define ESPHIL_HTTP_PORT 80
#endif

void webPageBegin(uint16_t port);
void webPageLoop();
