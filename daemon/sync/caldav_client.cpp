#include "daemon/sync/caldav_client.hpp"

#include "core/calendar_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <curl/curl.h>

namespace summit::sync {

namespace {

constexpr const char *k_xml = "application/xml; charset=utf-8";
// Resources asked for in one calendar-multiget.
constexpr std::size_t k_multiget_batch = 100;

constexpr const char *k_propfind_collection =
    R"(<?xml version="1.0" encoding="utf-8"?>)"
    R"(<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" )"
    R"(xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:displayname/>)"
    R"(<cs:getctag/><d:sync-token/><c:supported-calendar-component-set/>)"
    R"(<d:current-user-principal/></d:prop></d:propfind>)";

constexpr const char *k_propfind_home =
    R"(<?xml version="1.0" encoding="utf-8"?>)"
    R"(<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">)"
    R"(<d:prop><c:calendar-home-set/></d:prop></d:propfind>)";

constexpr const char *k_propfind_etags =
    R"(<?xml version="1.0" encoding="utf-8"?>)"
    R"(<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>)";

std::string origin_of(const std::string &url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    return {};
  }
  const auto path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

// A resource of the collection: a path under the collection's own, with no
// "." or ".." segment (a server's "/cal/../other/x.ics" would take summit's
// writes, with the password, outside the collection).
bool is_member(const DavEntry &entry, const std::string &collection_path) {
  return is_collection_member(entry.href, collection_path);
}

std::string lowercase_origin(const std::string &url) {
  std::string origin = origin_of(url);
  std::transform(origin.begin(), origin.end(), origin.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return origin;
}

} // namespace

bool is_collection_member(const std::string &href, const std::string &collection_path) {
  const std::string path = href_path(href);
  if (path.empty() || path.back() == '/' || path == collection_path ||
      path.rfind(collection_path, 0) != 0) {
    return false;
  }
  const std::string padded = path + "/";
  return padded.find("/../") == std::string::npos && padded.find("/./") == std::string::npos;
}

std::string href_path(const std::string &href) {
  std::string path = href;
  if (const auto scheme = href.find("://"); scheme != std::string::npos) {
    const auto slash = href.find('/', scheme + 3);
    path = slash == std::string::npos ? std::string("/") : href.substr(slash);
  }
  // One spelling per path: percent-decoded, then everything but unreserved
  // characters and '/' encoded (servers differ on '@', '~', ...).
  std::string decoded;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() &&
        std::isxdigit(static_cast<unsigned char>(path[i + 1])) != 0 &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2])) != 0) {
      decoded += static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += path[i];
    }
  }
  std::string out;
  for (const unsigned char c : decoded) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string CaldavClient::absolute(const std::string &base, const std::string &href) {
  if (href.find("://") != std::string::npos) {
    return href;
  }
  if (!href.empty() && href.front() == '/') {
    return origin_of(base) + href;
  }
  const auto slash = base.rfind('/');
  return (slash == std::string::npos ? base : base.substr(0, slash + 1)) + href;
}

DavResponse CaldavClient::send(DavRequest request) {
  const std::string origin = lowercase_origin(request.url);
  if (m_account.origin.empty()) {
    m_account.origin = origin;
  } else if (origin != m_account.origin && !m_account.user.empty()) {
    DavResponse refused;
    refused.error = fmt::format(
        "the server points to {}, another host than the calendar's ({}); summit sends the "
        "password only to the host it was given for: add the calendar with a URL on that host",
        core::quoted_for_message(origin, 200), core::quoted_for_message(m_account.origin, 200));
    return refused;
  }
  request.user = m_account.user;
  request.password = m_account.password;
  request.limits = m_account.limits;
  request.auth = m_auth;
  DavResponse response = dav_request(request, m_cancelled);
  if (response.status == 401 && request.auth != 0) {
    // The scheme learnt earlier was refused (the server changed it): probe
    // again, once, as curl does when it is not told.
    request.auth = 0;
    response = dav_request(request, m_cancelled);
  }
  if (response.auth_offered != 0 && !m_account.user.empty()) {
    // Digest when offered (what CURLAUTH_ANY picks), else Basic.
    m_auth = (response.auth_offered & CURLAUTH_DIGEST) != 0  ? CURLAUTH_DIGEST
             : (response.auth_offered & CURLAUTH_BASIC) != 0 ? CURLAUTH_BASIC
                                                             : 0;
  }
  return response;
}

core::Result<MultiStatus> CaldavClient::multistatus(DavRequest request) {
  const std::string method = request.method;
  const std::string shown = core::quoted_for_message(request.url, 200);
  DavResponse response = send(std::move(request));
  if (!response.error.empty()) {
    return core::fail(core::ErrorCode::unavailable, response.error);
  }
  if (response.status == 401) {
    return core::fail(core::ErrorCode::permission_denied,
                      fmt::format("{} {} answered 401 Unauthorized: check --user and the "
                                  "password file",
                                  method, shown));
  }
  if (response.status != 207) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("{} {} answered HTTP {}", method, shown, response.status));
  }
  auto parsed = parse_multistatus(response.body);
  if (!parsed) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("{} {}: {}", method, shown, parsed.error().message));
  }
  return parsed;
}

core::Result<DavEntry> CaldavClient::properties(const std::string &url) {
  DavRequest request{"PROPFIND", url, {"Depth: 0"}, k_propfind_collection, k_xml};
  auto answer = multistatus(std::move(request));
  if (!answer) {
    return tl::unexpected(answer.error());
  }
  if (answer->entries.empty()) {
    return core::fail(
        core::ErrorCode::unavailable,
        fmt::format("PROPFIND {} answered no properties", core::quoted_for_message(url, 200)));
  }
  return std::move(answer->entries.front());
}

core::Result<std::vector<CaldavCollection>> CaldavClient::discover(const std::string &url) {
  auto own = properties(url);
  if (own && own->is_calendar) {
    return std::vector<CaldavCollection>{{url, own->display_name, own->components}};
  }
  std::string principal = own ? own->principal_href : std::string();
  if (principal.empty()) {
    // RFC 6764: the server's well-known entry point (redirects followed).
    auto known = properties(origin_of(url) + "/.well-known/caldav");
    if (known) {
      principal = known->principal_href;
    }
  }
  if (principal.empty()) {
    return own ? core::fail(core::ErrorCode::unavailable,
                            fmt::format("{} is not a calendar collection and names no "
                                        "current-user-principal; give the collection's URL",
                                        core::quoted_for_message(url, 200)))
               : tl::unexpected(own.error());
  }
  const std::string principal_url = absolute(url, principal);
  DavRequest home_request{"PROPFIND", principal_url, {"Depth: 0"}, k_propfind_home, k_xml};
  auto home = multistatus(std::move(home_request));
  if (!home) {
    return tl::unexpected(home.error());
  }
  std::string home_href;
  for (const auto &entry : home->entries) {
    if (!entry.home_href.empty()) {
      home_href = entry.home_href;
    }
  }
  if (home_href.empty()) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("the principal {} has no calendar-home-set",
                                  core::quoted_for_message(principal_url, 200)));
  }
  const std::string home_url = absolute(principal_url, home_href);
  DavRequest list_request{"PROPFIND", home_url, {"Depth: 1"}, k_propfind_collection, k_xml};
  auto listed = multistatus(std::move(list_request));
  if (!listed) {
    return tl::unexpected(listed.error());
  }
  std::vector<CaldavCollection> out;
  for (auto &entry : listed->entries) {
    if (entry.is_calendar) {
      out.push_back({absolute(home_url, entry.href), entry.display_name, entry.components});
    }
  }
  return out;
}

core::Result<SyncCollectionChanges> CaldavClient::sync_collection(const std::string &url,
                                                                  const std::string &token) {
  const std::string body =
      fmt::format(R"(<?xml version="1.0" encoding="utf-8"?>)"
                  R"(<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token>)"
                  R"(<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop>)"
                  R"(</d:sync-collection>)",
                  xml_escape(token));
  DavResponse response = send(DavRequest{"REPORT", url, {"Depth: 1"}, body, k_xml});
  const std::string shown = core::quoted_for_message(url, 200);
  if (!response.error.empty()) {
    return core::fail(core::ErrorCode::unavailable, response.error);
  }
  SyncCollectionChanges out;
  // A token refused as RFC 6578 says (403 or 409 naming valid-sync-token),
  // or with a server error: Xandikos 0.2.8 answers 500 to a token it does
  // not know (its git store raises). Either way the token is dropped and
  // the collection compared in full, once; a server that is really down
  // fails that request too, and the sync fails with it.
  if (!token.empty() && (((response.status == 403 || response.status == 409) &&
                          names_precondition(response.body, "valid-sync-token")) ||
                         response.status == 500)) {
    out.invalid_token = true;
    return out;
  }
  if (response.status != 207) {
    return core::fail(
        core::ErrorCode::unavailable,
        fmt::format("REPORT sync-collection {} answered HTTP {}", shown, response.status));
  }
  auto parsed = parse_multistatus(response.body);
  if (!parsed) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("REPORT sync-collection {}: {}", shown, parsed.error().message));
  }
  const std::string collection = href_path(url);
  out.token = parsed->sync_token;
  for (auto &entry : parsed->entries) {
    if (!is_member(entry, collection)) {
      continue;
    }
    if (entry.status == 404) {
      out.gone.push_back(href_path(entry.href));
    } else {
      entry.href = href_path(entry.href);
      out.changed.push_back(std::move(entry));
    }
  }
  return out;
}

core::Result<std::vector<DavEntry>> CaldavClient::list_etags(const std::string &url) {
  auto listed = multistatus(DavRequest{"PROPFIND", url, {"Depth: 1"}, k_propfind_etags, k_xml});
  if (!listed) {
    return tl::unexpected(listed.error());
  }
  const std::string collection = href_path(url);
  std::vector<DavEntry> out;
  for (auto &entry : listed->entries) {
    if (is_member(entry, collection) && !entry.is_collection) {
      entry.href = href_path(entry.href);
      out.push_back(std::move(entry));
    }
  }
  return out;
}

core::Result<std::vector<DavEntry>>
CaldavClient::multiget(const std::string &url, const std::vector<std::string> &hrefs,
                       const std::function<void(std::size_t, std::size_t)> &progress) {
  std::vector<DavEntry> out;
  for (std::size_t first = 0; first < hrefs.size(); first += k_multiget_batch) {
    std::string body = R"(<?xml version="1.0" encoding="utf-8"?>)"
                       R"(<c:calendar-multiget xmlns:d="DAV:" )"
                       R"(xmlns:c="urn:ietf:params:xml:ns:caldav">)"
                       R"(<d:prop><d:getetag/><c:calendar-data/></d:prop>)";
    const std::size_t last = std::min(hrefs.size(), first + k_multiget_batch);
    for (std::size_t i = first; i < last; ++i) {
      body += "<d:href>" + xml_escape(hrefs[i]) + "</d:href>";
    }
    body += "</c:calendar-multiget>";
    auto got = multistatus(DavRequest{"REPORT", url, {"Depth: 1"}, body, k_xml});
    if (!got) {
      return tl::unexpected(got.error());
    }
    for (auto &entry : got->entries) {
      entry.href = href_path(entry.href);
      out.push_back(std::move(entry));
    }
    if (progress) {
      progress(last, hrefs.size());
    }
  }
  return out;
}

DavResponse CaldavClient::put(const std::string &href, const std::string &ics,
                              const std::string &etag) {
  DavRequest request{"PUT", href, {}, ics, "text/calendar; charset=utf-8"};
  request.headers.push_back(etag.empty() ? std::string("If-None-Match: *") : "If-Match: " + etag);
  return send(std::move(request));
}

DavResponse CaldavClient::remove(const std::string &href, const std::string &etag) {
  DavRequest request{"DELETE", href, {}, {}, {}};
  if (!etag.empty()) {
    request.headers.push_back("If-Match: " + etag);
  }
  return send(std::move(request));
}

} // namespace summit::sync
