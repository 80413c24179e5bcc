// A minimal test harness: TEST(name) registers a case; CHECK records a failure with file:line and keeps going.
#pragma once
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace th {

struct Case {
  const char* name;
  std::function<void()> fn;
};
inline std::vector<Case>& registry() {
  static std::vector<Case> r;
  return r;
}
inline int& failures() {
  static int f = 0;
  return f;
}
inline std::string& current() {
  static std::string c;
  return c;
}
struct Reg {
  Reg(const char* n, std::function<void()> f) { registry().push_back({n, std::move(f)}); }
};
inline void fail(const char* file, int line, const std::string& what) {
  ++failures();
  std::fprintf(stderr, "FAIL [%s] %s:%d: %s\n", current().c_str(), file, line, what.c_str());
}

}  // namespace th

#define TH_CAT2(a, b) a##b
#define TH_CAT(a, b) TH_CAT2(a, b)
#define TEST(name)                                                  \
  static void TH_CAT(test_fn_, __LINE__)();                         \
  static th::Reg TH_CAT(test_reg_, __LINE__)(name, TH_CAT(test_fn_, __LINE__)); \
  static void TH_CAT(test_fn_, __LINE__)()
#define CHECK(cond)                                 \
  do {                                              \
    if (!(cond)) th::fail(__FILE__, __LINE__, #cond); \
  } while (0)
#define CHECK_EQ(a, b)                                                                                   \
  do {                                                                                                   \
    auto th_a = (a);                                                                                     \
    auto th_b = (b);                                                                                     \
    if (!(th_a == th_b)) th::fail(__FILE__, __LINE__, std::string(#a " == " #b) + " (" + th::show(th_a) + " vs " + th::show(th_b) + ")"); \
  } while (0)

namespace th {
inline std::string show(const std::string& s) { return "\"" + s + "\""; }
inline std::string show(const char* s) { return show(std::string(s)); }
inline std::string show(bool b) { return b ? "true" : "false"; }
template <typename T>
std::string show(const T& v) {
  return std::to_string(v);
}
}  // namespace th
