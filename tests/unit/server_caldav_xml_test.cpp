// WebDAV multistatus reading (daemon/sync/dav_xml.hpp) and the CalDAV
// client's URL helpers (daemon/sync/caldav_client.hpp, caldav_sync.hpp).
#include "daemon/sync/caldav_client.hpp"
#include "daemon/sync/caldav_sync.hpp"
#include "daemon/sync/dav_xml.hpp"

#include <gtest/gtest.h>

using namespace summit::sync;

namespace {

// Prefixes as servers spell them differently: matched on namespace URIs.
constexpr const char *k_odd_prefixes = R"(<?xml version="1.0"?>
<x:multistatus xmlns:x="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav"
               xmlns:y="http://calendarserver.org/ns/">
  <x:response>
    <x:href>/alice/team/</x:href>
    <x:propstat>
      <x:prop>
        <x:resourcetype><x:collection/><cal:calendar/></x:resourcetype>
        <x:displayname>Team meetings</x:displayname>
        <y:getctag>"ctag-7"</y:getctag>
        <x:sync-token>http://radicale.org/ns/sync/abc</x:sync-token>
        <cal:supported-calendar-component-set>
          <cal:comp name="VEVENT"/><cal:comp name="VTODO"/>
        </cal:supported-calendar-component-set>
      </x:prop>
      <x:status>HTTP/1.1 200 OK</x:status>
    </x:propstat>
    <x:propstat>
      <x:prop><x:displayname>ignored: not found</x:displayname></x:prop>
      <x:status>HTTP/1.1 404 Not Found</x:status>
    </x:propstat>
  </x:response>
  <x:response>
    <x:href>/alice/team/a%40b.ics</x:href>
    <x:status>HTTP/1.1 404 Not Found</x:status>
  </x:response>
  <x:sync-token>http://radicale.org/ns/sync/def</x:sync-token>
</x:multistatus>)";

} // namespace

TEST(DavXml, matches_namespaces_not_prefixes) {
  auto parsed = parse_multistatus(k_odd_prefixes);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->entries.size(), 2U);
  const DavEntry &collection = parsed->entries[0];
  EXPECT_EQ(collection.href, "/alice/team/");
  EXPECT_TRUE(collection.is_calendar);
  EXPECT_TRUE(collection.is_collection);
  EXPECT_EQ(collection.display_name, "Team meetings"); // the 404 propstat is not read
  EXPECT_EQ(collection.ctag, "\"ctag-7\"");
  EXPECT_EQ(collection.sync_token, "http://radicale.org/ns/sync/abc");
  EXPECT_EQ(collection.components, (std::vector<std::string>{"VEVENT", "VTODO"}));
  EXPECT_EQ(parsed->entries[1].status, 404);
  EXPECT_EQ(parsed->sync_token, "http://radicale.org/ns/sync/def");
}

TEST(DavXml, an_element_in_another_namespace_is_not_taken) {
  auto parsed = parse_multistatus(R"(<multistatus xmlns="DAV:" xmlns:o="urn:other">
    <response><href>/x.ics</href><propstat><prop><o:getetag>"no"</o:getetag>
    <getetag>"yes"</getetag></prop><status>HTTP/1.1 200 OK</status></propstat></response>
    </multistatus>)");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->entries.size(), 1U);
  EXPECT_EQ(parsed->entries[0].etag, "\"yes\"");
}

TEST(DavXml, refuses_what_is_not_a_multistatus) {
  EXPECT_FALSE(parse_multistatus("<html>proxy error</html>"));
  EXPECT_FALSE(parse_multistatus("not xml at all"));
  EXPECT_FALSE(parse_multistatus(R"(<multistatus xmlns="urn:not-dav"/>)"));
}

TEST(DavXml, reads_the_valid_sync_token_precondition) {
  EXPECT_TRUE(names_precondition(R"(<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>)",
                                 "valid-sync-token"));
  EXPECT_FALSE(names_precondition(R"(<error xmlns="urn:x"><valid-sync-token/></error>)",
                                  "valid-sync-token"));
}

TEST(DavXml, entities_are_not_expanded_from_outside) {
  auto parsed = parse_multistatus(R"(<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<multistatus xmlns="DAV:"><response><href>&x;</href></response></multistatus>)");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->entries.size(), 1U);
  EXPECT_EQ(parsed->entries[0].href.find("root:"), std::string::npos);
}

TEST(CaldavUrls, resolves_hrefs_and_names_resources) {
  EXPECT_EQ(CaldavClient::absolute("http://h:5232/alice/", "/alice/team/"),
            "http://h:5232/alice/team/");
  EXPECT_EQ(CaldavClient::absolute("http://h/alice/team/", "x.ics"), "http://h/alice/team/x.ics");
  EXPECT_EQ(CaldavClient::absolute("http://h/a/", "https://o/b/"), "https://o/b/");
  EXPECT_EQ(href_path("https://h:8443/alice/team/x.ics"), "/alice/team/x.ics");
  EXPECT_EQ(href_path("/alice/team/"), "/alice/team/");
  EXPECT_EQ(href_path("/alice/team/a%40b.ics"), href_path("/alice/team/a@b.ics"));
  EXPECT_EQ(href_path("/alice/team/a%7eb.ics"), "/alice/team/a~b.ics");
  EXPECT_EQ(resource_path("/alice/team/", "abc-1@summit"), "/alice/team/abc-1%40summit.ics");
  EXPECT_EQ(resource_path("/alice/team", "a b/c"), "/alice/team/a%20b%2Fc.ics");
}
