#include "../src/core/json.h"
#include "harness.h"

using namespace esphil;

TEST("json: parses nested objects, arrays, escapes and surrogate pairs") {
  JsonDoc d;
  CHECK(d.parse(R"({"a":[1,-2.5e2,true,null,"x\u00e9\ud83d\ude00\n"],"b":{"c":{}}})") == JsonError::None);
  JValue a = d.root().get("a");
  CHECK_EQ(a.size(), 5u);
  CHECK_EQ(a.first().next().asNumber(), -250.0);
  CHECK_EQ(a.first().next().next().next().next().asString(), std::string("x\xC3\xA9\xF0\x9F\x98\x80\n"));
  CHECK(d.root().get("b").get("c").isObject());
}

TEST("json: duplicate keys keep the last value, like JSON.parse") {
  JsonDoc d;
  CHECK(d.parse(R"({"id":1,"id":2})") == JsonError::None);
  CHECK_EQ(d.root().get("id").asNumber(), 2.0);
}

TEST("json: rejects what JSON.parse rejects") {
  const char* bad[] = {"", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\t\"", "tru", "{} x",
                       "\"\\x\"", "'a'", "\xEF\xBB\xBF{}", "{\"a\" 1}", "[1 2]", "NaN", "\"\\ud83d"};
  for (const char* b : bad) {
    JsonDoc d;
    if (d.parse(b) == JsonError::None) th::fail(__FILE__, __LINE__, std::string("accepted: ") + b);
  }
}

TEST("json: depth, node and size limits are enforced") {
  JsonDoc d;
  std::string deep(9, '[');
  deep += std::string(9, ']');
  CHECK(d.parse(deep) == JsonError::TooDeep);
  std::string ok8(8, '[');
  ok8 += std::string(8, ']');
  CHECK(d.parse(ok8) == JsonError::None);
  std::string many = "[";
  for (int i = 0; i < 2000; ++i) many += i ? ",0" : "0";
  many += "]";
  CHECK(d.parse(many) == JsonError::TooManyNodes);
  std::string big(MAX_FRAME + 1, ' ');
  CHECK(d.parse(big) == JsonError::TooLarge);
}

TEST("json: writer escapes control characters and prints numbers like JS") {
  std::string s;
  JsonWriter(s).beginObject().key("m").value(std::string("a\"b\\\x01")).key("n").value(0.1).key("i").value(1023).key("f")
      .value(0.998046875).endObject();
  CHECK_EQ(s, std::string(R"({"m":"a\"b\\\u0001","n":0.1,"i":1023,"f":0.998046875})"));
  CHECK_EQ(jsonNumber(1.650403), std::string("1.650403"));
  CHECK_EQ(jsonNumber(-0.0), std::string("0"));
  CHECK_EQ(jsonNumber(1732570000000.0), std::string("1732570000000"));
}
