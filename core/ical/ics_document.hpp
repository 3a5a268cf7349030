#pragma once

#include "core/error.hpp"
#include "core/ical/ics_outline.hpp"
#include "core/ical/libical_handles.hpp"

#include <libical/ical.h>

#include <string>
#include <unordered_map>
#include <vector>

// One VCALENDAR as libical parsed it, tied to the outline's line numbers.
// Internal to core/ical.
namespace summit::ical::detail {

// A content line libical could not read (it left an X-LIC-ERROR and, for a
// bad value, dropped the property).
struct LineProblem {
  int line = 0;
  std::string name;    // the property, upper-case
  std::string value;   // as written, shortened
  std::string message; // libical's words
};

class Document {
public:
  // Parses the outline's VCALENDAR number `calendar` (an index into
  // outline.calendars) with libical, line by line as the outline unfolded
  // them: its own properties and its VTIMEZONEs only, which every event of
  // it may refer to. Its other components are parsed one at a time with
  // parse_part, so that libical never holds the whole file.
  static core::Result<Document> parse(const Outline &outline, int calendar);

  Document() = default;
  Document(Document &&) = default;
  Document &operator=(Document &&) = default;
  Document(const Document &) = delete;
  Document &operator=(const Document &) = delete;
  ~Document() = default;

  // One top-level component of the calendar, parsed on its own and put
  // into the root (libical finds the file's VTIMEZONEs through its parent)
  // for as long as it lives. The document must stay where it is meanwhile.
  class Part {
  public:
    Part() = default;
    Part(Part &&other) noexcept;
    Part &operator=(Part &&other) noexcept;
    Part(const Part &) = delete;
    Part &operator=(const Part &) = delete;
    ~Part();
    icalcomponent *get() const { return m_component; }

  private:
    friend class Document;
    void release();
    Document *m_document = nullptr;
    icalcomponent *m_component = nullptr;
  };
  // Parses the component `index` (into outline().components), a child of
  // this document's VCALENDAR. Fails, naming its line, when libical reads
  // its components differently from the outline.
  core::Result<Part> parse_part(int index);

  icalcomponent *root() const { return m_root.get(); }
  const Outline &outline() const { return *m_outline; }
  // Not for VTIMEZONEs and their parts, which libical reorders.
  const ComponentOutline &outline_of(const icalcomponent *component) const;
  // The problems on the component's own lines (not its children's).
  const std::vector<LineProblem> &problems_of(const icalcomponent *component) const;
  // Whether libical objected to anything in the component or inside it
  // (for a VTIMEZONE, whose lines are not paired).
  bool damaged(const icalcomponent *component) const;

private:
  // Pairs libical's components under `component` with the outline's from
  // `index` down, and finds the lines libical objected to.
  core::Result<void> pair(icalcomponent *component, int index);
  void forget(icalcomponent *component);

  const Outline *m_outline = nullptr;
  ComponentPtr m_root;
  std::unordered_map<const icalcomponent *, int> m_index;
  std::unordered_map<int, std::vector<LineProblem>> m_problems;
};

// The children of `component` of one kind, in order. Collected first so
// that walks never share libical's one iterator per component.
std::vector<icalcomponent *> children_of(icalcomponent *component,
                                         icalcomponent_kind kind = ICAL_ANY_COMPONENT);
std::vector<icalproperty *> properties_of(icalcomponent *component, icalproperty_kind kind);

// The value of an X- property, or empty.
std::string x_property(icalcomponent *component, std::string_view name);

} // namespace summit::ical::detail
