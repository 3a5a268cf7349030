#include "places/place_names.hpp"

#include <gtest/gtest.h>

using summit::places::has_non_ascii;
using summit::places::initials;
using summit::places::location_parts;
using summit::places::place_key;

TEST(PlaceKey, case_and_blanks_do_not_matter) {
  EXPECT_EQ(place_key("  New   YORK "), "new york");
  EXPECT_EQ(place_key("New_York"), "new york");
}

TEST(PlaceKey, latin_accents_are_folded) {
  EXPECT_EQ(place_key("Chișinău"), "chisinau"); // s and t with a comma below
  EXPECT_EQ(place_key("Chişinău"), "chisinau"); // with a cedilla, as Locations.xml has it
  EXPECT_EQ(place_key("München"), "munchen");
  EXPECT_EQ(place_key("Łódź"), "lodz");
  EXPECT_EQ(place_key("Straße"), "strasse");
  EXPECT_EQ(place_key("Reykjavík"), "reykjavik");
  EXPECT_EQ(place_key("Sa\xcc\x83o Paulo"), "sao paulo"); // a + combining tilde
}

TEST(PlaceKey, marks_inside_words_are_dropped_and_other_punctuation_separates) {
  EXPECT_EQ(place_key("Washington, D.C."), "washington dc");
  EXPECT_EQ(place_key("Kazan'"), "kazan");
  EXPECT_EQ(place_key("Kazan\xe2\x80\x99"), "kazan"); // right single quotation mark
  EXPECT_EQ(place_key("Saint-Pierre"), "saint pierre");
  EXPECT_EQ(place_key("(Minsk)"), "minsk");
}

TEST(PlaceKey, a_leading_st_is_saint) {
  EXPECT_EQ(place_key("St. Petersburg"), "saint petersburg");
  EXPECT_EQ(place_key("St Petersburg"), "saint petersburg");
  EXPECT_EQ(place_key("Ste-Foy"), "sainte foy");
  EXPECT_EQ(place_key("Stuttgart"), "stuttgart");
}

TEST(PlaceKey, cyrillic_and_greek_are_lower_cased) {
  EXPECT_EQ(place_key("МИНСК"), "минск");
  EXPECT_EQ(place_key("Минск"), "минск");
  EXPECT_EQ(place_key("Ёлки"), "ёлки");
  EXPECT_EQ(place_key("ΑΘΗΝΑ"), "αθηνα");
}

TEST(PlaceKey, bytes_that_are_not_utf8_are_kept) {
  EXPECT_EQ(place_key("a\xff"
                      "b"),
            "a\xff"
            "b");
}

TEST(PlaceInitials, initials_skip_short_words) {
  EXPECT_EQ(initials("district of columbia"), "dc");
  EXPECT_EQ(initials("united states"), "us");
  EXPECT_EQ(initials("new south wales"), "nsw");
  EXPECT_EQ(initials("belarus"), "");
}

TEST(LocationParts, commas_and_semicolons_split_and_empty_parts_go) {
  const auto parts = location_parts(" Palace of Independence, Minsk;; Belarus ,");
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_EQ(parts[0], "Palace of Independence");
  EXPECT_EQ(parts[1], "Minsk");
  EXPECT_EQ(parts[2], "Belarus");
  EXPECT_TRUE(location_parts("  ").empty());
}

TEST(PlaceKey, non_ascii_is_told) {
  EXPECT_TRUE(has_non_ascii("Минск"));
  EXPECT_FALSE(has_non_ascii("Minsk"));
}
