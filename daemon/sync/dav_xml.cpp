#include "daemon/sync/dav_xml.hpp"

#include "sys/shared_library.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <memory>
#include <string_view>

namespace summit::sync {

namespace {

constexpr std::string_view k_dav = "DAV:";
constexpr std::string_view k_caldav = "urn:ietf:params:xml:ns:caldav";
constexpr std::string_view k_calserver = "http://calendarserver.org/ns/";

struct XmlTreeApi {
  decltype(&xmlReadMemory) read_memory = nullptr;
  decltype(&xmlFreeDoc) free_doc = nullptr;
  decltype(&xmlDocGetRootElement) root = nullptr;
};

core::Result<const XmlTreeApi *> xml_tree_api() {
  static const auto loaded = []() -> core::Result<XmlTreeApi> {
    auto library = sys::SharedLibrary::open("libxml2.so.2");
    if (!library) {
      return core::fail(core::ErrorCode::unavailable,
                        fmt::format("cannot load libxml2: {}", library.error()));
    }
    XmlTreeApi api;
    library->find(api.read_memory, "xmlReadMemory");
    library->find(api.free_doc, "xmlFreeDoc");
    library->find(api.root, "xmlDocGetRootElement");
    void (*init_parser)() = nullptr;
    library->find(init_parser, "xmlInitParser");
    if (library->missing() != nullptr) {
      return core::fail(core::ErrorCode::unavailable,
                        fmt::format("libxml2 lacks {}", library->missing()));
    }
    // Once, before any parse: several network threads parse at once
    // (sync::FetchThread), which libxml2 allows after xmlInitParser.
    init_parser();
    return api;
  }();
  if (!loaded) {
    return tl::unexpected(loaded.error());
  }
  return &*loaded;
}

constexpr int k_parse_options =
    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

std::string_view as_text(const xmlChar *text) {
  return text == nullptr ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char *>(text));
}

bool is(const xmlNode *node, std::string_view ns, std::string_view name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         as_text(node->ns->href) == ns && as_text(node->name) == name;
}

// The elements directly under `node`.
template <typename Visit> void children(const xmlNode *node, Visit visit) {
  for (const xmlNode *child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      visit(child);
    }
  }
}

const xmlNode *child(const xmlNode *node, std::string_view ns, std::string_view name) {
  for (const xmlNode *c = node->children; c != nullptr; c = c->next) {
    if (is(c, ns, name)) {
      return c;
    }
  }
  return nullptr;
}

// The text of `node` and everything under it.
void append_text(const xmlNode *node, std::string &out) {
  for (const xmlNode *c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      out += as_text(c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      append_text(c, out);
    }
  }
}

std::string text_of(const xmlNode *node) {
  std::string out;
  if (node != nullptr) {
    append_text(node, out);
  }
  return out;
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// "HTTP/1.1 404 Not Found" -> 404.
int status_code(const std::string &line) {
  const auto space = line.find(' ');
  if (space == std::string::npos) {
    return 0;
  }
  try {
    return std::stoi(line.substr(space + 1, 3));
  } catch (...) {
    return 0;
  }
}

void read_prop(const xmlNode *prop, DavEntry &entry) {
  children(prop, [&](const xmlNode *p) {
    if (is(p, k_dav, "getetag")) {
      entry.etag = trimmed(text_of(p));
    } else if (is(p, k_caldav, "calendar-data")) {
      entry.calendar_data = text_of(p);
    } else if (is(p, k_dav, "displayname")) {
      entry.display_name = trimmed(text_of(p));
    } else if (is(p, k_calserver, "getctag")) {
      entry.ctag = trimmed(text_of(p));
    } else if (is(p, k_dav, "sync-token")) {
      entry.sync_token = trimmed(text_of(p));
    } else if (is(p, k_dav, "resourcetype")) {
      entry.is_calendar = child(p, k_caldav, "calendar") != nullptr;
      entry.is_collection = child(p, k_dav, "collection") != nullptr;
    } else if (is(p, k_caldav, "supported-calendar-component-set")) {
      children(p, [&](const xmlNode *comp) {
        if (is(comp, k_caldav, "comp")) {
          for (const xmlAttr *a = comp->properties; a != nullptr; a = a->next) {
            if (as_text(a->name) == "name" && a->children != nullptr) {
              entry.components.emplace_back(as_text(a->children->content));
            }
          }
        }
      });
    } else if (is(p, k_dav, "current-user-principal")) {
      entry.principal_href = trimmed(text_of(child(p, k_dav, "href")));
    } else if (is(p, k_caldav, "calendar-home-set")) {
      entry.home_href = trimmed(text_of(child(p, k_dav, "href")));
    }
  });
}

struct DocFree {
  void operator()(xmlDoc *doc) const {
    if (auto api = xml_tree_api()) {
      (*api)->free_doc(doc);
    }
  }
};

// The most markup ('<') an answer may hold. libxml2's tree costs some 150
// bytes an element whatever the body's size: 31 MiB of "<d:response/>"
// made a 1.6 GB tree. A listing of 20,000 resources (the most a calendar
// may list, caldav_sync) takes 14 an entry; 300,000 bounds the tree at
// about 50 MB.
constexpr std::size_t k_max_markup = 300'000;

// Values summit sends back in a header or a request (ETags, the
// sync-token) or keeps as a resource's name (hrefs): printable and short,
// so that a server cannot add a header of its own or grow the database.
constexpr std::size_t k_max_etag = 512;
constexpr std::size_t k_max_token = 8192;
constexpr std::size_t k_max_href = 4096;

bool printable(std::string_view value, std::size_t most) {
  return value.size() <= most && std::none_of(value.begin(), value.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return u < 0x20 || u == 0x7f;
         });
}

core::Result<void> check_values(const MultiStatus &answer) {
  const auto refuse = [](std::string_view what, std::size_t most) {
    return core::fail(core::ErrorCode::invalid_params,
                      fmt::format("the server sent {} with control characters or over {} "
                                  "bytes; nothing was changed (a server fault: tell its "
                                  "administrator)",
                                  what, most));
  };
  if (!printable(answer.sync_token, k_max_token)) {
    return refuse("a sync-token", k_max_token);
  }
  for (const DavEntry &entry : answer.entries) {
    if (!printable(entry.href, k_max_href)) {
      return refuse("an href", k_max_href);
    }
    if (!printable(entry.etag, k_max_etag) || !printable(entry.ctag, k_max_etag)) {
      return refuse("an ETag", k_max_etag);
    }
    if (!printable(entry.sync_token, k_max_token)) {
      return refuse("a sync-token", k_max_token);
    }
    if (!printable(entry.principal_href, k_max_href) || !printable(entry.home_href, k_max_href)) {
      return refuse("an href", k_max_href);
    }
  }
  return {};
}

core::Result<std::unique_ptr<xmlDoc, DocFree>> read_document(const std::string &body) {
  auto api = xml_tree_api();
  if (!api) {
    return tl::unexpected(api.error());
  }
  if (static_cast<std::size_t>(std::count(body.begin(), body.end(), '<')) > k_max_markup) {
    return core::fail(core::ErrorCode::invalid_params,
                      fmt::format("the server's answer holds more than {} XML elements, more "
                                  "than a calendar summit syncs can need; nothing was changed",
                                  k_max_markup));
  }
  std::unique_ptr<xmlDoc, DocFree> doc((*api)->read_memory(
      body.data(), static_cast<int>(body.size()), "dav.xml", nullptr, k_parse_options));
  if (!doc) {
    return core::fail(core::ErrorCode::invalid_params, "the server's answer is not XML");
  }
  return doc;
}

} // namespace

core::Result<MultiStatus> parse_multistatus(const std::string &body) {
  auto doc = read_document(body);
  if (!doc) {
    return tl::unexpected(doc.error());
  }
  const xmlNode *root = (*xml_tree_api())->root(doc->get());
  if (!is(root, k_dav, "multistatus")) {
    return core::fail(core::ErrorCode::invalid_params,
                      "the server's answer is not a WebDAV multistatus");
  }
  MultiStatus out;
  children(root, [&](const xmlNode *node) {
    if (is(node, k_dav, "sync-token")) {
      out.sync_token = trimmed(text_of(node));
      return;
    }
    if (!is(node, k_dav, "response")) {
      return;
    }
    DavEntry entry;
    entry.href = trimmed(text_of(child(node, k_dav, "href")));
    if (const xmlNode *status = child(node, k_dav, "status")) {
      entry.status = status_code(trimmed(text_of(status)));
    }
    children(node, [&](const xmlNode *propstat) {
      if (!is(propstat, k_dav, "propstat")) {
        return;
      }
      const int code = status_code(trimmed(text_of(child(propstat, k_dav, "status"))));
      const xmlNode *prop = child(propstat, k_dav, "prop");
      if (code >= 200 && code < 300 && prop != nullptr) {
        read_prop(prop, entry);
      }
    });
    out.entries.push_back(std::move(entry));
  });
  if (auto checked = check_values(out); !checked) {
    return tl::unexpected(checked.error());
  }
  return out;
}

bool names_precondition(const std::string &body, const std::string &local_name) {
  auto doc = read_document(body);
  if (!doc) {
    return false;
  }
  const xmlNode *root = (*xml_tree_api())->root(doc->get());
  return is(root, k_dav, "error") && child(root, k_dav, local_name) != nullptr;
}

std::string xml_escape(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace summit::sync
