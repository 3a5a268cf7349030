#include "cli/views/terminal_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using summit::cli::json_text;

namespace {

TEST(JsonText, escapes_c1_controls_and_bidi_overrides_as_the_same_json_value) {
  // U+009B (CSI in C1), U+202E (right-to-left override), U+2066 (isolate),
  // DEL, and a C0 escape (nlohmann's own \u001b).
  const std::string title = "a\xc2\x9b"
                            "31m\xe2\x80\xae"
                            "gnp.exe\xe2\x81\xa6x\x7fy\x1b[2J";
  const nlohmann::json value{{"title", title}, {"ok", "Минск 👩‍💻"}};
  const std::string text = json_text(value, 2);
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
  EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_EQ(text.find("\xe2\x81\xa6"), std::string::npos);
  EXPECT_EQ(text.find('\x7f'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("\\u009b"), std::string::npos);
  EXPECT_NE(text.find("\\u202e"), std::string::npos);
  EXPECT_NE(text.find("\\u2066"), std::string::npos);
  EXPECT_NE(text.find("\\u007f"), std::string::npos);
  // Valid JSON, the same value; other text untouched.
  EXPECT_EQ(nlohmann::json::parse(text), value);
  EXPECT_NE(text.find("Минск 👩‍💻"), std::string::npos);
}

TEST(JsonText, one_line_and_invalid_utf8_replaced) {
  const nlohmann::json value{{"k\xe2\x80\xaey", std::string("x\xff")}};
  const std::string text = json_text(value, -1);
  EXPECT_EQ(text, "{\"k\\u202ey\":\"x\xef\xbf\xbd\"}");
  EXPECT_EQ(nlohmann::json::parse(text).begin().key(), "k\xe2\x80\xaey");
}

} // namespace
