#include "core/param_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

namespace summit::core {
namespace {

using nlohmann::json;
using testing::HasSubstr;

TEST(ParamReader, absent_and_null_members_read_as_nothing) {
  const json params = {{"limit", nullptr}};
  ParamReader reader(params);
  EXPECT_EQ(reader.optional_integer("limit", 1, 10).value(), std::nullopt);
  EXPECT_EQ(reader.optional_string("search").value(), std::nullopt);
  EXPECT_EQ(reader.optional_bool("expand").value(), std::nullopt);
  EXPECT_FALSE(reader.has("limit"));
  EXPECT_TRUE(reader.reject_unknown());
}

TEST(ParamReader, a_wrong_value_is_named_field_first_with_what_is_expected) {
  const json params = {{"limit", 0}, {"search", 5}, {"expand", "yes"}, {"id", -3}};
  ParamReader reader(params);
  const auto limit = reader.optional_integer("limit", 1, 10000);
  ASSERT_FALSE(limit);
  EXPECT_EQ(limit.error().message, "limit: must be an integer between 1 and 10000");
  EXPECT_EQ(limit.error().field, "limit");
  EXPECT_EQ(limit.error().code, ErrorCode::invalid_params);
  EXPECT_EQ(reader.optional_string("search").error().message,
            "search: must be a string, not an integer");
  EXPECT_EQ(reader.optional_bool("expand").error().message,
            "expand: must be true or false, not a string");
  EXPECT_EQ(reader.required_id().error().message, "id: must be a positive integer, not -3");
  EXPECT_EQ(ParamReader(json::object()).required_id().error().message,
            "id: is required (the event's id, a positive integer)");
}

TEST(ParamReader, integers_past_the_range_of_int64_are_refused_not_wrapped) {
  const json params = {{"id", 18446744073709551615ULL}, {"limit", 18446744073709551615ULL}};
  ParamReader reader(params);
  EXPECT_FALSE(reader.required_id());
  EXPECT_FALSE(reader.optional_integer("limit", 1, 100));
}

TEST(ParamReader, text_is_held_to_its_limit_and_refuses_nul) {
  const json params = {{"title", std::string(201, 'x')}, {"place", std::string("a\0b", 3)}};
  ParamReader reader(params);
  EXPECT_EQ(reader.optional_text("title", 200).error().message,
            "title: is 201 bytes long; the limit is 200");
  EXPECT_EQ(reader.optional_text("place", 200).error().message,
            "place: must not contain NUL characters");
  EXPECT_EQ(reader.optional_text("title", 201).value(), std::string(201, 'x'));
}

TEST(ParamReader, an_unknown_member_is_named_with_the_ones_the_method_takes) {
  const json params = {{"limit", 5}, {"limt", 5}};
  ParamReader reader(params);
  ASSERT_TRUE(reader.optional_integer("limit", 1, 10));
  ASSERT_TRUE(reader.optional_string("search"));
  const auto unknown = reader.reject_unknown();
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "limt");
  EXPECT_EQ(unknown.error().message,
            "limt: is not a parameter of this method (known: limit, search)");

  constexpr std::array k_fields{"title", "start"};
  constexpr std::array k_passed{"id"};
  const json add = {{"title", "x"}, {"id", 3}, {"colour", "red"}};
  const auto listed = ParamReader(add).reject_unknown(k_fields, k_passed);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().message, "colour: unknown field; the fields are title, start");
  EXPECT_TRUE(ParamReader(json{{"title", "x"}, {"id", 3}}).reject_unknown(k_fields, k_passed));
}

} // namespace
} // namespace summit::core
