// WebDAV multistatus reading (daemon/sync/dav_xml.hpp) and the CalDAV
// client's URL helpers (daemon/sync/caldav_client.hpp, caldav_sync.hpp).
#include "daemon/sync/caldav_client.hpp"
#include "daemon/sync/caldav_sync.hpp"
#include "daemon/sync/dav_xml.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

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

// What summit sends back in a header (If-Match) or keeps must be printable
// and short: an ETag with CR LF would add a header of the server's choosing.
TEST(DavXml, an_etag_or_token_with_control_characters_or_too_long_is_refused) {
  const auto answer = [](const std::string &etag, const std::string &token) {
    return parse_multistatus(R"(<multistatus xmlns="DAV:"><response><href>/c/x.ics</href>)"
                             R"(<propstat><prop><getetag>)" +
                             etag +
                             R"(</getetag></prop><status>HTTP/1.1 200 OK</status>)"
                             R"(</propstat></response><sync-token>)" +
                             token + "</sync-token></multistatus>");
  };
  ASSERT_TRUE(answer("\"5\"", "t1"));
  const auto injected = answer("\"5\"&#13;&#10;X-Injected: yes", "t1");
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message.find("ETag with control characters"), std::string::npos)
      << injected.error().message;
  EXPECT_FALSE(answer("\"" + std::string(600, 'e') + "\"", "t1"));
  const auto long_token = answer("\"5\"", std::string(10000, 't'));
  ASSERT_FALSE(long_token);
  EXPECT_NE(long_token.error().message.find("sync-token"), std::string::npos);
}

// libxml2's tree costs some 150 bytes an element: an answer of millions of
// empty elements under the size cap is refused before it is parsed.
TEST(DavXml, an_answer_of_too_many_elements_is_refused_before_it_is_parsed) {
  std::string body = R"(<multistatus xmlns="DAV:">)";
  for (int i = 0; i < 300'001; ++i) {
    body += "<response/>";
  }
  body += "</multistatus>";
  const auto parsed = parse_multistatus(body);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("more than 300000 XML elements"), std::string::npos)
      << parsed.error().message;
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

// The password file is checked again at every sync: the mode, no link, a
// regular file, and a bounded read.
TEST(CaldavPasswordFile, is_checked_again_when_read) {
  const std::string dir = ::testing::TempDir() + "summit-password-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  const std::string file = dir + "/pw";
  {
    std::ofstream out(file);
    out << "S3cret\nsecond line\n";
  }
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  auto read = read_password_file(file);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "S3cret");

  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  read = read_password_file(file);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("chmod 600"), std::string::npos) << read.error().message;
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);

  const std::string link = dir + "/link";
  ASSERT_EQ(::symlink(file.c_str(), link.c_str()), 0);
  EXPECT_FALSE(read_password_file(link)) << "a link is refused";

  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  read = read_password_file(fifo);
  ASSERT_FALSE(read) << "a FIFO is not waited on";
  EXPECT_NE(read.error().message.find("not a regular file"), std::string::npos);

  {
    std::ofstream out(file, std::ios::trunc);
    out << std::string(100'000, 'p');
  }
  read = read_password_file(file);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("longer than 4096 bytes"), std::string::npos);
  ::unlink(fifo.c_str());
  ::unlink(link.c_str());
  ::unlink(file.c_str());
  ::rmdir(dir.c_str());
}

// A server's href cannot take summit's writes outside the collection.
TEST(CaldavUrls, only_hrefs_under_the_collection_are_its_resources) {
  EXPECT_TRUE(is_collection_member("/cal/x.ics", "/cal/"));
  EXPECT_TRUE(is_collection_member("http://h/cal/x.ics", "/cal/"));
  EXPECT_FALSE(is_collection_member("/cal/", "/cal/")) << "the collection itself";
  EXPECT_FALSE(is_collection_member("/cal/sub/", "/cal/")) << "a sub-collection";
  EXPECT_FALSE(is_collection_member("/other/x.ics", "/cal/"));
  EXPECT_FALSE(is_collection_member("/cal/../other/trav.ics", "/cal/"));
  EXPECT_FALSE(is_collection_member("/cal/%2E%2E/other/trav.ics", "/cal/"));
  EXPECT_FALSE(is_collection_member("/cal/./x.ics", "/cal/"));
  EXPECT_FALSE(is_collection_member("/cal/..", "/cal/"));
}

// The password goes only to the origin of the URL the calendar was added
// with: a request elsewhere is refused before anything is sent (no server
// is needed to see it: nothing listens on these ports).
TEST(CaldavClientOrigin, the_password_is_not_sent_to_another_host) {
  CaldavAccount account;
  account.user = "alice";
  account.password = "S3cret";
  account.origin = "http://127.0.0.1:9";
  CaldavClient client(std::move(account), nullptr);
  auto other = client.properties("http://127.0.0.2:9/principals/alice/");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("another host than the calendar's"), std::string::npos)
      << other.error().message;
  EXPECT_EQ(other.error().message.find("S3cret"), std::string::npos);
}
