// Host stand-in for arduino-esp32 libraries/WebServer/src/WebServer.h (2.x and 3.x), declarations only: the
// members the firmware's page server uses, with the library's signatures.
#pragma once
#include <functional>

#include "Arduino.h"
#include "pgmspace.h"

class Uri {
 public:
  Uri(const char* uri);
  Uri(const String& uri);
};

class WebServer {
 public:
  typedef std::function<void(void)> THandlerFunction;
  WebServer(int port = 80);
  virtual ~WebServer();
  virtual void begin();
  virtual void handleClient();
  void on(const Uri& uri, THandlerFunction fn);
  bool hasArg(String name);
  void onNotFound(THandlerFunction fn);
  void sendHeader(const String& name, const String& value, bool first = false);
  void send(int code, const char* content_type = nullptr, const String& content = String(""));
  void send_P(int code, PGM_P content_type, PGM_P content, size_t contentLength);
};
