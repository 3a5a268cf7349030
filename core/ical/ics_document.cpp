#include "core/ical/ics_document.hpp"

#include "core/ical/ics_text.hpp"

#include <fmt/format.h>

#include <cstring>
#include <utility>

namespace summit::ical::detail {

namespace {

using core::ErrorCode;
using core::fail;

// icalparser_parse does the same around its loop: malformed data is
// recorded in X-LIC-ERROR properties, never fatal.
class NonfatalMalformedData {
public:
  NonfatalMalformedData() : m_saved(icalerror_get_error_state(ICAL_MALFORMEDDATA_ERROR)) {
    icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, ICAL_ERROR_NONFATAL);
  }
  ~NonfatalMalformedData() { icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, m_saved); }
  NonfatalMalformedData(const NonfatalMalformedData &) = delete;
  NonfatalMalformedData &operator=(const NonfatalMalformedData &) = delete;

private:
  icalerrorstate m_saved;
};

// libical copies a line several times over while it reads it: one 15 MiB
// DESCRIPTION took summitd to 106 MB. No value summit keeps is this long (a
// description is cut at 100,000 bytes, with a note), so a longer line is
// handed to libical cut here, at a character's start; what is cut is a value
// summit does not keep (an ATTACH's base64, an X- property) or one it would
// cut anyway.
constexpr std::size_t k_max_line_bytes = 256 * 1024;

icalcomponent *add_line(icalparser *parser, std::string_view text) {
  if (text.size() > k_max_line_bytes) {
    std::size_t end = k_max_line_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
      --end; // not inside a UTF-8 sequence
    }
    text = text.substr(0, end);
  }
  std::vector<char> line(text.begin(), text.end());
  line.push_back('\0');
  return icalparser_add_line(parser, line.data());
}

bool has_errors(icalcomponent *component) {
  return icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY) != nullptr;
}

// libical's objection to one content line on its own, if any.
std::string probe(std::string_view text) {
  ParserPtr parser{icalparser_new()};
  add_line(parser.get(), "BEGIN:VEVENT");
  add_line(parser.get(), text);
  ComponentPtr event{add_line(parser.get(), "END:VEVENT")};
  if (!event) {
    return "libical could not read it";
  }
  icalproperty *error = icalcomponent_get_first_property(event.get(), ICAL_XLICERROR_PROPERTY);
  if (error == nullptr) {
    return {};
  }
  const char *message = icalproperty_get_xlicerror(error);
  std::string out = message != nullptr ? message : "libical could not read it";
  // "Can't parse as DATE-TIME value in DTSTART property. Removing entire
  // property: INVALID" -> the first sentence; the value is quoted apart.
  if (const auto stop = out.find(". Removing"); stop != std::string::npos) {
    out.resize(stop);
  }
  return out;
}

std::string value_of(std::string_view text) {
  const auto colon = text.find(':');
  return colon == std::string_view::npos ? std::string() : shorten(text.substr(colon + 1));
}

} // namespace

std::vector<icalcomponent *> children_of(icalcomponent *component, icalcomponent_kind kind) {
  std::vector<icalcomponent *> out;
  for (icalcomponent *child = icalcomponent_get_first_component(component, kind); child != nullptr;
       child = icalcomponent_get_next_component(component, kind)) {
    out.push_back(child);
  }
  return out;
}

std::vector<icalproperty *> properties_of(icalcomponent *component, icalproperty_kind kind) {
  std::vector<icalproperty *> out;
  for (icalproperty *property = icalcomponent_get_first_property(component, kind);
       property != nullptr; property = icalcomponent_get_next_property(component, kind)) {
    out.push_back(property);
  }
  return out;
}

std::string x_property(icalcomponent *component, std::string_view name) {
  for (icalproperty *property : properties_of(component, ICAL_X_PROPERTY)) {
    const char *x_name = icalproperty_get_x_name(property);
    if (x_name != nullptr && strcasecmp(x_name, std::string(name).c_str()) == 0) {
      const char *value = icalproperty_get_x(property);
      return value != nullptr ? value : "";
    }
  }
  return {};
}

core::Result<Document> Document::parse(const Outline &outline, int calendar) {
  const int top_index = outline.calendars[calendar];
  const ComponentOutline &top = outline.components[top_index];
  Document document;
  document.m_outline = &outline;
  {
    NonfatalMalformedData nonfatal;
    ParserPtr parser{icalparser_new()};
    // Its own lines and its VTIMEZONEs, in file order: the lines of its
    // other components are left out.
    std::size_t next_child = 0;
    for (std::size_t i = top.first; i <= top.last; ++i) {
      if (next_child < top.children.size()) {
        const ComponentOutline &child = outline.components[top.children[next_child]];
        if (i == child.first) {
          ++next_child;
          if (child.name != "VTIMEZONE") {
            i = child.last;
            continue;
          }
        }
      }
      if (icalcomponent *done = add_line(parser.get(), outline.text_of(outline.lines[i]))) {
        document.m_root.reset(done);
      }
    }
  }
  if (!document.m_root) {
    return fail(ErrorCode::invalid_params,
                fmt::format("line {}: libical could not read this calendar", top.begin_line));
  }
  if (auto paired = document.pair(document.m_root.get(), top_index); !paired) {
    return tl::unexpected(paired.error());
  }
  return document;
}

core::Result<void> Document::pair(icalcomponent *root, int root_index) {
  const Outline &outline = *m_outline;
  const bool is_calendar = outline.components[root_index].parent == -1;
  // Pair libical's components with the outline's, in document order.
  // libical moves VTIMEZONEs (and their STANDARD/DAYLIGHT parts) around, so
  // those are left unpaired: nothing of theirs is quoted by line. A
  // calendar's other components are parsed and paired one by one.
  std::vector<std::pair<icalcomponent *, int>> pending{{root, root_index}};
  while (!pending.empty()) {
    const auto [component, index] = pending.back();
    pending.pop_back();
    const ComponentOutline &expected = outline.components[index];
    const bool skeleton = is_calendar && component == root;
    std::vector<icalcomponent *> children;
    for (icalcomponent *child : children_of(component)) {
      if (icalcomponent_isa(child) != ICAL_VTIMEZONE_COMPONENT) {
        children.push_back(child);
      }
    }
    std::vector<int> expected_children;
    for (const int child : expected.children) {
      if (!skeleton && outline.components[child].name != "VTIMEZONE") {
        expected_children.push_back(child);
      }
    }
    bool same = children.size() == expected_children.size();
    for (std::size_t i = 0; same && i < children.size(); ++i) {
      same =
          icalcomponent_isa(children[i]) ==
          icalenum_string_to_component_kind(outline.components[expected_children[i]].name.c_str());
    }
    if (!same) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("line {}: libical read the components inside this {} differently; "
                              "the file's structure is damaged here",
                              expected.begin_line, expected.name));
    }
    m_index.emplace(component, index);
    if (has_errors(component)) {
      auto &problems = m_problems[index];
      for (const std::uint32_t line : outline.own_lines(expected)) {
        const ContentLine &content = outline.lines[line];
        if (auto message = probe(outline.text_of(content)); !message.empty()) {
          problems.push_back({content.line, std::string(outline.name_of(content)),
                              value_of(outline.text_of(content)), message});
        }
      }
    }
    for (std::size_t i = 0; i < children.size(); ++i) {
      pending.emplace_back(children[i], expected_children[i]);
    }
  }
  return {};
}

core::Result<Document::Part> Document::parse_part(int index) {
  const ComponentOutline &expected = m_outline->components[index];
  ComponentPtr parsed;
  {
    NonfatalMalformedData nonfatal;
    ParserPtr parser{icalparser_new()};
    for (std::size_t i = expected.first; i <= expected.last; ++i) {
      if (icalcomponent *done = add_line(parser.get(), m_outline->text_of(m_outline->lines[i]))) {
        parsed.reset(done);
      }
    }
  }
  if (!parsed ||
      icalcomponent_isa(parsed.get()) != icalenum_string_to_component_kind(expected.name.c_str())) {
    return fail(ErrorCode::invalid_params, fmt::format("line {}: libical could not read this {}",
                                                       expected.begin_line, expected.name));
  }
  if (auto paired = pair(parsed.get(), index); !paired) {
    forget(parsed.get());
    return tl::unexpected(paired.error());
  }
  Part part;
  part.m_document = this;
  part.m_component = parsed.release();
  icalcomponent_add_component(m_root.get(), part.m_component);
  return part;
}

void Document::forget(icalcomponent *component) {
  std::vector<icalcomponent *> pending{component};
  while (!pending.empty()) {
    icalcomponent *current = pending.back();
    pending.pop_back();
    if (const auto found = m_index.find(current); found != m_index.end()) {
      m_problems.erase(found->second);
      m_index.erase(found);
    }
    for (icalcomponent *child : children_of(current)) {
      pending.push_back(child);
    }
  }
}

Document::Part::Part(Part &&other) noexcept
    : m_document(std::exchange(other.m_document, nullptr)),
      m_component(std::exchange(other.m_component, nullptr)) {}

Document::Part &Document::Part::operator=(Part &&other) noexcept {
  if (this != &other) {
    release();
    m_document = std::exchange(other.m_document, nullptr);
    m_component = std::exchange(other.m_component, nullptr);
  }
  return *this;
}

Document::Part::~Part() { release(); }

void Document::Part::release() {
  if (m_component == nullptr) {
    return;
  }
  m_document->forget(m_component);
  icalcomponent_remove_component(m_document->m_root.get(), m_component);
  icalcomponent_free(m_component);
  m_component = nullptr;
  m_document = nullptr;
}

const ComponentOutline &Document::outline_of(const icalcomponent *component) const {
  return m_outline->components[m_index.at(component)];
}

const std::vector<LineProblem> &Document::problems_of(const icalcomponent *component) const {
  static const std::vector<LineProblem> none;
  const auto found = m_problems.find(m_index.at(component));
  return found == m_problems.end() ? none : found->second;
}

bool Document::damaged(const icalcomponent *component) const {
  auto *mutable_component = const_cast<icalcomponent *>(component);
  if (has_errors(mutable_component)) {
    return true;
  }
  for (icalcomponent *child : children_of(mutable_component)) {
    if (damaged(child)) {
      return true;
    }
  }
  return false;
}

} // namespace summit::ical::detail
