#include "places/mo_catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

using summit::places::MoCatalog;
using testing::HasSubstr;

namespace {

void put_word(std::string &out, std::uint32_t v, bool big_endian) {
  for (int i = 0; i < 4; ++i) {
    const int shift = big_endian ? 24 - 8 * i : 8 * i;
    out += static_cast<char>((v >> shift) & 0xFFU);
  }
}

// A catalogue as msgfmt writes one: header, sorted originals, tables,
// strings (each followed by a NUL).
std::string make_mo(std::map<std::string, std::string> entries, bool big_endian = false) {
  entries.emplace("", "Content-Type: text/plain; charset=UTF-8\n");
  const auto n = static_cast<std::uint32_t>(entries.size());
  const std::uint32_t originals = 28;
  const std::uint32_t translations = originals + n * 8;
  std::uint32_t offset = translations + n * 8;
  std::string tables_o;
  std::string tables_t;
  std::string strings;
  for (const auto &[original, translation] : entries) {
    put_word(tables_o, static_cast<std::uint32_t>(original.size()), big_endian);
    put_word(tables_o, offset, big_endian);
    strings += original + '\0';
    offset += static_cast<std::uint32_t>(original.size() + 1);
  }
  for (const auto &[original, translation] : entries) {
    put_word(tables_t, static_cast<std::uint32_t>(translation.size()), big_endian);
    put_word(tables_t, offset, big_endian);
    strings += translation + '\0';
    offset += static_cast<std::uint32_t>(translation.size() + 1);
  }
  std::string out;
  for (const std::uint32_t v : {0x950412deU, 0U, n, originals, translations, 0U, 0U}) {
    put_word(out, v, big_endian);
  }
  return out + tables_o + tables_t + strings;
}

const std::map<std::string, std::string> k_entries{
    {"Minsk", "Минск"},
    {"Belarus", "Беларусь"},
    {std::string("City in Egypt\x04") + "Alexandria", "Александрия"},
    {std::string("one day\0%d days", 15), std::string("один день\0%d дня", 21)},
};

} // namespace

TEST(MoCatalog, translates_with_and_without_context) {
  const auto catalogue = MoCatalog::parse(make_mo(k_entries));
  ASSERT_TRUE(catalogue) << catalogue.error().message;
  EXPECT_EQ(catalogue->translate("", "Minsk"), "Минск");
  EXPECT_EQ(catalogue->translate("City in Egypt", "Alexandria"), "Александрия");
  EXPECT_EQ(catalogue->translate("", "Alexandria"), "");
  EXPECT_EQ(catalogue->translate("", "Atlantis"), "");
  EXPECT_EQ(catalogue->translate("", "one day"), "один день"); // the first plural form
}

TEST(MoCatalog, reads_big_endian_catalogues) {
  const auto catalogue = MoCatalog::parse(make_mo(k_entries, true));
  ASSERT_TRUE(catalogue) << catalogue.error().message;
  EXPECT_EQ(catalogue->translate("", "Belarus"), "Беларусь");
}

TEST(MoCatalog, visits_every_entry_but_the_header_with_its_context) {
  const auto catalogue = MoCatalog::parse(make_mo(k_entries));
  ASSERT_TRUE(catalogue);
  std::vector<std::tuple<std::string, std::string, std::string>> seen;
  catalogue->for_each(
      [&](std::string_view context, std::string_view original, std::string_view translation) {
        seen.emplace_back(context, original, translation);
      });
  ASSERT_EQ(seen.size(), 4U);
  EXPECT_THAT(seen, testing::Contains(std::tuple<std::string, std::string, std::string>{
                        "City in Egypt", "Alexandria", "Александрия"}));
}

TEST(MoCatalog, refuses_what_is_not_a_catalogue) {
  EXPECT_THAT(MoCatalog::parse("hello").error().message, HasSubstr("too short"));
  EXPECT_THAT(MoCatalog::parse(std::string(40, 'x')).error().message, HasSubstr("bad magic"));
}

TEST(MoCatalog, refuses_tables_that_point_outside_the_file) {
  auto bytes = make_mo(k_entries);
  bytes[8] = '\x7f'; // N far larger than the tables
  EXPECT_THAT(MoCatalog::parse(bytes).error().message, HasSubstr("do not fit"));
  bytes = make_mo(k_entries);
  bytes[28 + 4 + 3] = '\x7f'; // the first original's offset past the end
  EXPECT_THAT(MoCatalog::parse(bytes).error().message, HasSubstr("outside"));
}

TEST(MoCatalog, reads_a_real_catalogue_when_installed) {
  const std::string path = "/usr/share/locale/ru/LC_MESSAGES/libgweather-4.0-locations.mo";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is not installed (Debian package libgweather-4-common)";
  }
  const auto catalogue = MoCatalog::load(path);
  ASSERT_TRUE(catalogue) << catalogue.error().message;
  EXPECT_GT(catalogue->size(), 1000U);
  EXPECT_EQ(catalogue->translate("", "Minsk"), "Минск");
}

TEST(MoCatalog, a_missing_file_is_an_error) { EXPECT_FALSE(MoCatalog::load("/nonexistent/x.mo")); }
