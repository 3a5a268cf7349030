#pragma once

#include "core/error.hpp"

#include <string>
#include <vector>

// WebDAV multistatus bodies (RFC 4918, RFC 4791, RFC 6578) read with libxml2,
// loaded with dlopen at the first use (as places/ reads Locations.xml).
// Elements are matched on namespace URI and local name, never on prefixes:
// servers use different ones. No network, no DTD, no entities.
namespace summit::sync {

// One <response>: its href and the properties a 200 propstat holds.
struct DavEntry {
  std::string href;
  int status = 0; // the response's own <status> (sync-collection: 404 = gone), else 0
  std::string etag;
  std::string calendar_data;
  std::string display_name;
  std::string ctag;
  std::string sync_token;
  bool is_calendar = false;            // resourcetype has C:calendar
  bool is_collection = false;          // resourcetype has D:collection
  std::vector<std::string> components; // supported-calendar-component-set
  std::string principal_href;          // current-user-principal
  std::string home_href;               // calendar-home-set
};

struct MultiStatus {
  std::vector<DavEntry> entries;
  std::string sync_token; // the top-level one of a sync-collection report
};

// Parses a 207 Multi-Status body; a body that is not one is refused with a
// one-line reason.
core::Result<MultiStatus> parse_multistatus(const std::string &body);

// Whether an error body (403/409) names the precondition `local_name` in
// the DAV: namespace (valid-sync-token).
bool names_precondition(const std::string &body, const std::string &local_name);

// `text` escaped for an XML text node or attribute.
std::string xml_escape(const std::string &text);

} // namespace summit::sync
