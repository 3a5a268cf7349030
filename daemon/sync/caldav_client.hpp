#pragma once

#include "core/error.hpp"
#include "daemon/sync/dav_http.hpp"
#include "daemon/sync/dav_xml.hpp"

#include <functional>
#include <string>
#include <vector>

// The CalDAV requests summitd makes (RFC 4791, RFC 6578), over dav_request
// and parse_multistatus. Blocking: the network thread only. Every failure
// is one line naming the request and the server's answer; the password
// never appears in one.
namespace summit::sync {

struct CaldavAccount {
  std::string user; // empty: no authentication
  std::string password;
  FetchLimits limits = {};
  // The authentication scheme learnt by an earlier sync (CURLAUTH_BASIC or
  // _DIGEST): credentials go with the first request instead of after a
  // 401. 0: curl probes.
  unsigned long auth = 0;
  // Where the password may go: scheme://host[:port], lowercase; empty: the
  // origin of the first request (the URL the user gave). A server that
  // points discovery elsewhere does not get it (CaldavClient::send).
  std::string origin;
};

// A calendar collection found by discovery.
struct CaldavCollection {
  std::string url;
  std::string display_name;
  std::vector<std::string> components; // empty: the server did not say
};

// What sync-collection reported since a token.
struct SyncCollectionChanges {
  std::vector<DavEntry> changed; // href + etag
  std::vector<std::string> gone; // hrefs
  std::string token;
  bool invalid_token = false; // 403/409 valid-sync-token, or 500: compare in full
};

class CaldavClient {
public:
  CaldavClient(CaldavAccount account, std::function<bool()> cancelled)
      : m_account(std::move(account)), m_cancelled(std::move(cancelled)), m_auth(m_account.auth) {}

  // The authentication scheme the server asked for (0: none learnt yet).
  unsigned long auth() const { return m_auth; }

  // PROPFIND Depth 0 of `url`: resourcetype, displayname, getctag,
  // sync-token, supported components, current-user-principal.
  core::Result<DavEntry> properties(const std::string &url);
  // The calendar collections of the account a server URL belongs to:
  // `url` itself when it is one; else its (or /.well-known/caldav's)
  // current-user-principal, that principal's calendar-home-set, and the
  // collections under it.
  core::Result<std::vector<CaldavCollection>> discover(const std::string &url);
  // REPORT sync-collection (RFC 6578) from `token` (empty: everything).
  core::Result<SyncCollectionChanges> sync_collection(const std::string &url,
                                                      const std::string &token);
  // PROPFIND Depth 1 getetag: every member resource with its ETag.
  core::Result<std::vector<DavEntry>> list_etags(const std::string &url);
  // REPORT calendar-multiget of `hrefs`: each with its etag and
  // calendar-data (a resource gone meanwhile has status 404).
  // `progress` is told (resources fetched, of how many) after each batch.
  core::Result<std::vector<DavEntry>>
  multiget(const std::string &url, const std::vector<std::string> &hrefs,
           const std::function<void(std::size_t, std::size_t)> &progress = {});
  // PUT `ics` at `href`: If-None-Match: * when `etag` is empty, else
  // If-Match. The response as it came (412: someone else changed it).
  DavResponse put(const std::string &href, const std::string &ics, const std::string &etag);
  // DELETE `href` If-Match `etag`.
  DavResponse remove(const std::string &href, const std::string &etag);

  // `href` (a path, or a full URL) made absolute against `base`.
  static std::string absolute(const std::string &base, const std::string &href);

private:
  DavResponse send(DavRequest request);
  core::Result<MultiStatus> multistatus(DavRequest request);

  CaldavAccount m_account;
  std::function<bool()> m_cancelled;
  // The authentication the server asked for, once learnt: later requests
  // send credentials at once (Basic) instead of probing each time.
  unsigned long m_auth = 0;
};

// The path part of a URL or href ("/alice/team/x.ics"), spelled one way
// (percent-encoding of all but unreserved characters and '/'): what
// resources are known by, so that a server answering full URLs or paths,
// '@' or '%40', is the same.
std::string href_path(const std::string &href);

// Whether `href` names a resource of the collection at `collection_path`
// (href_path's spelling): under it, not the collection itself nor a
// sub-collection, and with no "." or ".." segment.
bool is_collection_member(const std::string &href, const std::string &collection_path);

} // namespace summit::sync
