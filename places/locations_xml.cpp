#include "places/locations_xml.hpp"

#include "sys/shared_library.hpp"

#include <fmt/format.h>

#include <libxml/xmlreader.h>
#include <memory>
#include <optional>
#include <string_view>

namespace summit::places {

namespace {

// The part of libxml2 read here, found by name in the library loaded at the
// first use.
struct XmlReaderApi {
  decltype(&xmlReaderForFile) for_file = nullptr;
  decltype(&xmlReaderForMemory) for_memory = nullptr;
  decltype(&xmlFreeTextReader) free_reader = nullptr;
  decltype(&xmlTextReaderRead) read = nullptr;
  decltype(&xmlTextReaderNext) next = nullptr;
  decltype(&xmlTextReaderNodeType) node_type = nullptr;
  decltype(&xmlTextReaderConstLocalName) local_name = nullptr;
  decltype(&xmlTextReaderConstValue) value = nullptr;
  decltype(&xmlTextReaderIsEmptyElement) is_empty = nullptr;
  decltype(&xmlTextReaderMoveToAttribute) move_to_attribute = nullptr;
  decltype(&xmlTextReaderMoveToElement) move_to_element = nullptr;
};

core::Result<const XmlReaderApi *> xml_reader_api() {
  static const auto loaded = []() -> core::Result<XmlReaderApi> {
    auto library = sys::SharedLibrary::open("libxml2.so.2");
    if (!library) {
      return core::fail(core::ErrorCode::unavailable,
                        fmt::format("cannot load libxml2: {}", library.error()));
    }
    XmlReaderApi api;
    library->find(api.for_file, "xmlReaderForFile");
    library->find(api.for_memory, "xmlReaderForMemory");
    library->find(api.free_reader, "xmlFreeTextReader");
    library->find(api.read, "xmlTextReaderRead");
    library->find(api.next, "xmlTextReaderNext");
    library->find(api.node_type, "xmlTextReaderNodeType");
    library->find(api.local_name, "xmlTextReaderConstLocalName");
    library->find(api.value, "xmlTextReaderConstValue");
    library->find(api.is_empty, "xmlTextReaderIsEmptyElement");
    library->find(api.move_to_attribute, "xmlTextReaderMoveToAttribute");
    library->find(api.move_to_element, "xmlTextReaderMoveToElement");
    if (library->missing() != nullptr) {
      return core::fail(core::ErrorCode::unavailable,
                        fmt::format("libxml2 lacks {}", library->missing()));
    }
    return api; // the library stays loaded: SharedLibrary never unloads
  }();
  if (!loaded) {
    return tl::unexpected(loaded.error());
  }
  return &*loaded;
}

// No network, no DTD, no entities: the file is data, not a document to
// complete.
// Errors come back as a status, not as lines on stderr.
constexpr int k_parse_options = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT |
                                XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

std::string_view as_text(const xmlChar *text) {
  return text == nullptr ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char *>(text));
}

std::optional<Place::Kind> place_kind(std::string_view element) {
  if (element == "country") {
    return Place::Kind::country;
  }
  if (element == "state") {
    return Place::Kind::state;
  }
  if (element == "city") {
    return Place::Kind::city;
  }
  return std::nullopt;
}

// Walks the document once. `open` holds the index of each enclosing place
// element; `field` the child element of the innermost place whose text is
// being read (_name, name, iso-code, tz-hint), and the depth of elements
// between them.
class LocationsReader {
public:
  LocationsReader(const XmlReaderApi &api, xmlTextReaderPtr reader)
      : m_api(api), m_reader(reader) {}

  core::Result<std::vector<Place>> read() {
    int status = m_api.read(m_reader);
    while (status == 1) {
      switch (m_api.node_type(m_reader)) {
      case XML_READER_TYPE_ELEMENT:
        if (is_skipped(as_text(m_api.local_name(m_reader)))) {
          // Past the subtree, onto the node after it, which the loop then
          // handles without reading on.
          status = m_api.next(m_reader);
          continue;
        }
        on_element();
        break;
      case XML_READER_TYPE_END_ELEMENT:
        on_end(as_text(m_api.local_name(m_reader)));
        break;
      case XML_READER_TYPE_TEXT:
      case XML_READER_TYPE_CDATA:
        if (m_field != nullptr) {
          m_field->append(as_text(m_api.value(m_reader)));
        }
        break;
      default:
        break;
      }
      status = m_api.read(m_reader);
    }
    if (status < 0) {
      return core::fail(core::ErrorCode::invalid_params, "not well-formed XML");
    }
    return std::move(m_places);
  }

private:
  // Weather stations and named zones: not places people meet in.
  static bool is_skipped(std::string_view element) {
    return element == "location" || element == "named-timezone";
  }

  void on_element() {
    const auto name = as_text(m_api.local_name(m_reader));
    const bool empty = m_api.is_empty(m_reader) == 1;
    if (const auto kind = place_kind(name)) {
      Place place;
      place.kind = *kind;
      place.parent = m_open.empty() ? -1 : m_open.back();
      m_places.push_back(std::move(place));
      if (!empty) {
        m_open.push_back(static_cast<int>(m_places.size() - 1));
        m_child_depth.push_back(0);
      }
      return;
    }
    if (m_open.empty()) {
      return; // <gweather>, <region> and their names
    }
    Place &place = m_places[static_cast<std::size_t>(m_open.back())];
    const bool direct = m_child_depth.back() == 0;
    if (!empty) {
      ++m_child_depth.back();
    }
    if (name == "timezone" && place.kind == Place::Kind::country) {
      if (m_api.move_to_attribute(m_reader, reinterpret_cast<const xmlChar *>("id")) == 1) {
        place.zones.emplace_back(as_text(m_api.value(m_reader)));
        m_api.move_to_element(m_reader);
      }
      return;
    }
    if (!direct || empty) {
      return;
    }
    if (name == "_name" || name == "name") {
      start_name(place);
    } else if (name == "tz-hint") {
      start_field(place.tz_hint);
    } else if (name == "iso-code") {
      start_field(place.iso_code);
    }
  }

  void start_name(Place &place) {
    std::string context;
    if (m_api.move_to_attribute(m_reader, reinterpret_cast<const xmlChar *>("msgctxt")) == 1) {
      context = as_text(m_api.value(m_reader));
      m_api.move_to_element(m_reader);
    }
    if (m_api.move_to_attribute(m_reader, reinterpret_cast<const xmlChar *>("xml:lang")) == 1) {
      m_api.move_to_element(m_reader);
      start_field(place.other_names.emplace_back());
      return;
    }
    place.context = std::move(context);
    place.name.clear();
    start_field(place.name);
  }

  void start_field(std::string &field) { m_field = &field; }

  void on_end(std::string_view name) {
    if (m_open.empty()) {
      return;
    }
    if (m_child_depth.back() > 0) {
      --m_child_depth.back();
      m_field = nullptr;
      return;
    }
    if (place_kind(name)) {
      m_open.pop_back();
      m_child_depth.pop_back();
      m_field = nullptr;
    }
  }

  const XmlReaderApi &m_api;
  xmlTextReaderPtr m_reader;
  std::vector<Place> m_places;
  std::vector<int> m_open;
  std::vector<int> m_child_depth;
  std::string *m_field = nullptr;
};

core::Result<std::vector<Place>> read_with(const XmlReaderApi &api, xmlTextReaderPtr reader,
                                           std::string_view what) {
  if (reader == nullptr) {
    return core::fail(core::ErrorCode::not_found, fmt::format("cannot read {}", what));
  }
  const std::unique_ptr<xmlTextReader, decltype(api.free_reader)> owned(reader, api.free_reader);
  auto places = LocationsReader(api, reader).read();
  if (!places) {
    return core::fail(places.error().code, fmt::format("{}: {}", what, places.error().message));
  }
  return places;
}

} // namespace

core::Result<std::vector<Place>> read_locations_file(const std::string &path) {
  auto api = xml_reader_api();
  if (!api) {
    return tl::unexpected(api.error());
  }
  return read_with(**api, (*api)->for_file(path.c_str(), "utf-8", k_parse_options), path);
}

core::Result<std::vector<Place>> read_locations_text(std::string_view xml) {
  auto api = xml_reader_api();
  if (!api) {
    return tl::unexpected(api.error());
  }
  return read_with(**api,
                   (*api)->for_memory(xml.data(), static_cast<int>(xml.size()), "Locations.xml",
                                      "utf-8", k_parse_options),
                   "Locations.xml");
}

} // namespace summit::places
