// Places and typed zones (issue 15, items 1 and 4): the real summit and
// summitd, with the system's Locations.xml and tzdata. The CLI's zone is
// always set (TZ), never the host's.
#include "support/raw_client.hpp"
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;
using testing::Not;

namespace {

constexpr const char *k_locations = "/usr/share/libgweather-4/Locations.xml";

class Places : public SummitTest {
protected:
  void SetUp() override {
    if (!std::filesystem::exists(k_locations)) {
      GTEST_SKIP() << k_locations << " is not installed (Debian package libgweather-4-common, "
                   << "in scripts/packages.txt)";
    }
    SummitTest::SetUp();
  }

  // `summit --json add Meeting --at 2025-10-10 10:00 args...` in zone `tz`.
  ProcessResult add(const std::vector<std::string> &args, const std::string &tz = "Europe/London") {
    std::vector<std::string> all{"--json", "add", "Meeting", "--at", "2025-10-10 10:00"};
    all.insert(all.end(), args.begin(), args.end());
    return summit(all, tz);
  }
};

using TypedZones = SummitTest;

} // namespace

TEST_F(Places, a_city_in_a_multi_zone_country_takes_its_zone_and_says_so) {
  const ProcessResult added = add({"--location", "Astana, Kazakhstan"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_THAT(added.err, HasSubstr("summit: using time zone Asia/Almaty (Astana, Kazakhstan is in "
                                   "Asia/Almaty); pass --tz to override"));
  EXPECT_EQ(json::parse(added.out)["tz"], "Asia/Almaty");
}

TEST_F(Places, a_place_named_in_another_script_is_found) {
  const ProcessResult added = add({"--location", "Минск, Беларусь"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_THAT(added.err, HasSubstr("summit: using time zone Europe/Minsk ("));
  EXPECT_EQ(json::parse(added.out)["tz"], "Europe/Minsk");
}

TEST_F(Places, an_unknown_place_says_which_zone_it_used_every_time) {
  for (int i = 0; i < 2; ++i) {
    const ProcessResult added = add({"--location", "Atlantis"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    EXPECT_THAT(added.err, HasSubstr("summit: no time zone known for 'Atlantis'; using "
                                     "Europe/London (your zone); pass --tz to choose another"));
    EXPECT_EQ(json::parse(added.out)["tz"], "Europe/London");
  }
}

TEST_F(Places, a_country_with_several_zones_alone_is_refused_with_what_to_name) {
  const ProcessResult added = add({"--location", "Russia"});
  EXPECT_EQ(added.exit_code, 2);
  EXPECT_THAT(added.err, HasSubstr("summit: --location: Russia has "));
  EXPECT_THAT(added.err, HasSubstr("name the city"));
  EXPECT_THAT(added.err, HasSubstr("or pass --tz"));
  EXPECT_EQ(std::count(added.err.begin(), added.err.end(), '\n'), 1) << added.err;
  EXPECT_TRUE(all_events().empty());
}

TEST_F(Places, tz_wins_over_the_location_without_a_note) {
  const ProcessResult added = add({"--location", "Russia", "--tz", "Europe/Moscow"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.err, "");
  EXPECT_EQ(json::parse(added.out)["tz"], "Europe/Moscow");
}

TEST_F(Places, the_daemon_infers_from_the_same_gazetteer) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const json reply = client.call(
      "event.add",
      {{"title", "Summit"}, {"start", "2025-10-10T10:00"}, {"location", "Kazan, Russia"}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_THAT(reply["result"].dump(), HasSubstr("\"tz\":\"Europe/Moscow\""));
  EXPECT_THAT(reply["result"].dump(), HasSubstr("using time zone Europe/Moscow"));
  const json refused = client.call(
      "event.add", {{"title", "Summit"}, {"start", "2025-10-10T10:00"}, {"location", "Kazakhstan"}},
      2);
  ASSERT_TRUE(refused.contains("error")) << refused.dump();
  EXPECT_THAT(refused["error"]["message"].get<std::string>(),
              HasSubstr("Kazakhstan has 2 time zones"));
}

TEST_F(TypedZones, an_abbreviation_is_refused_with_the_zone_it_means) {
  const ProcessResult added = summit({"add", "Meeting", "--at", "2025-10-10 10:00", "--tz", "MSK"});
  EXPECT_EQ(added.exit_code, 2);
  EXPECT_THAT(added.err, HasSubstr("summit: --tz: unknown time zone 'MSK': an abbreviation is not "
                                   "a zone; did you mean Europe/Moscow?"));
  EXPECT_THAT(added.err, Not(HasSubstr("MST")));
}

TEST_F(TypedZones, a_fixed_offset_is_taken_with_a_note) {
  const ProcessResult added =
      summit({"--json", "add", "Meeting", "--at", "2025-10-10 10:00", "--tz", "UTC+3"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_THAT(added.err, HasSubstr("summit: using Etc/GMT-3 for 'UTC+3': UTC+03:00 all year"));
  const json event = json::parse(added.out);
  EXPECT_EQ(event["tz"], "Etc/GMT-3");
  EXPECT_EQ(event["start_utc"], "2025-10-10T07:00:00Z");
}

TEST_F(TypedZones, a_zone_name_in_lower_case_is_taken) {
  const ProcessResult added =
      summit({"--json", "add", "Meeting", "--at", "2025-10-10 10:00", "--tz", "europe/minsk"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(json::parse(added.out)["tz"], "Europe/Minsk");
}

TEST_F(TypedZones, est_is_taken_with_a_warning_about_daylight_saving) {
  const ProcessResult added =
      summit({"--json", "add", "Meeting", "--at", "2025-07-10 10:00", "--tz", "EST"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_THAT(added.err, HasSubstr("EST is a fixed offset with no daylight saving time"));
  EXPECT_THAT(added.err, HasSubstr("America/New_York"));
  EXPECT_EQ(json::parse(added.out)["start_utc"], "2025-07-10T15:00:00Z");
}
