// docs/PROTOCOL.md documents exactly the methods of core/protocol.hpp's
// table (a "### name" heading each; the four upload methods share one),
// and the notifications the daemon sends.
#include "core/protocol.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace summit::core;

namespace {

std::string protocol_doc() {
  std::ifstream in(std::string(SUMMIT_SOURCE_DIR) + "/docs/PROTOCOL.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "noun.verb": lower-case letters, one dot, then letters and '_'.
bool is_method_name(const std::string &text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool letter = c >= 'a' && c <= 'z';
    if (!(i == dot || letter || (i > dot && c == '_'))) {
      return false;
    }
  }
  return true;
}

} // namespace

TEST(ProtocolTable, the_protocol_document_has_a_heading_for_exactly_the_tables_methods) {
  const std::string doc = protocol_doc();
  ASSERT_FALSE(doc.empty());
  std::set<std::string> documented;
  std::stringstream lines(doc);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("### ", 0) != 0) {
      continue;
    }
    std::stringstream names(line.substr(4));
    for (std::string part; std::getline(names, part, ',');) {
      part.erase(0, part.find_first_not_of(' '));
      if (is_method_name(part)) {
        documented.insert(part);
      }
    }
  }
  std::set<std::string> table;
  for (const auto &method : protocol::k_methods) {
    EXPECT_TRUE(table.insert(std::string(method.name)).second) << "twice: " << method.name;
  }
  EXPECT_EQ(documented, table);
}

TEST(ProtocolTable, the_notifications_are_documented_and_are_not_methods) {
  const std::string doc = protocol_doc();
  for (const auto &notification : protocol::k_notifications) {
    EXPECT_NE(doc.find(std::string(notification.name)), std::string::npos) << notification.name;
    EXPECT_FALSE(protocol::is_method(notification.name)) << notification.name;
  }
}
