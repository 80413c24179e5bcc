// Host stand-in for links2004/arduinoWebSockets 2.7.x WebSocketsServer.h, declarations only.
#pragma once
#include "Arduino.h"

#ifndef WEBSOCKETS_SERVER_CLIENT_MAX
#define WEBSOCKETS_SERVER_CLIENT_MAX (5)
#endif

typedef enum {
  WStype_ERROR,
  WStype_DISCONNECTED,
  WStype_CONNECTED,
  WStype_TEXT,
  WStype_BIN,
  WStype_FRAGMENT_TEXT_START,
  WStype_FRAGMENT_BIN_START,
  WStype_FRAGMENT,
  WStype_FRAGMENT_FIN,
  WStype_PING,
  WStype_PONG,
} WStype_t;

class WebSocketsServer {
 public:
  typedef std::function<void(uint8_t num, WStype_t type, uint8_t* payload, size_t length)> WebSocketServerEvent;
  typedef std::function<bool(String headerName, String headerValue)> WebSocketServerHttpHeaderValFunc;

  WebSocketsServer(uint16_t port, String origin = "", String protocol = "arduino");
  virtual ~WebSocketsServer();
  void begin();
  void close();
  void loop();
  void onEvent(WebSocketServerEvent cbEvent);
  void onValidateHttpHeader(WebSocketServerHttpHeaderValFunc validationFunc, const char* mandatoryHttpHeaders[],
                            size_t mandatoryHttpHeaderCount);
  bool sendTXT(uint8_t num, const char* payload, size_t length = 0);
  bool broadcastTXT(const char* payload, size_t length = 0);
  void disconnect(uint8_t num);
  void enableHeartbeat(uint32_t pingInterval, uint32_t pongTimeout, uint8_t disconnectTimeoutCount);
  int connectedClients(bool ping = false);
  IPAddress remoteIP(uint8_t num);
};
