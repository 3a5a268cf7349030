#include "daemon/store/fts_query.hpp"

#include <gtest/gtest.h>

namespace summit::store {
namespace {

TEST(FtsQuery, each_word_becomes_a_quoted_prefix_term) {
  EXPECT_EQ(fts_query("minsk"), "\"minsk\"*");
  EXPECT_EQ(fts_query("  heads\tof\nstate "), "\"heads\"* \"of\"* \"state\"*");
}

TEST(FtsQuery, quotes_inside_a_word_are_doubled) {
  EXPECT_EQ(fts_query("\"minsk"), "\"\"\"minsk\"*");
  EXPECT_EQ(fts_query("a\"b"), "\"a\"\"b\"*");
}

TEST(FtsQuery, operators_stay_inside_quotes) {
  EXPECT_EQ(fts_query("minsk OR NEAR( *"), "\"minsk\"* \"OR\"* \"NEAR(\"* \"*\"*");
}

TEST(FtsQuery, text_without_words_is_no_query) {
  EXPECT_EQ(fts_query(""), std::nullopt);
  EXPECT_EQ(fts_query(" \t\r\n"), std::nullopt);
}

} // namespace
} // namespace summit::store
