#pragma once

#include "core/error.hpp"
#include "core/ical/ics_outline.hpp"
#include "core/ical/libical_handles.hpp"

#include <libical/ical.h>

#include <map>
#include <string>
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
  // them, and finds the lines libical objected to. Fails only if libical's
  // components do not match the outline (which names the line).
  static core::Result<Document> parse(const Outline &outline, int calendar);

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
  const Outline *m_outline = nullptr;
  ComponentPtr m_root;
  std::map<const icalcomponent *, int> m_index;
  std::map<int, std::vector<LineProblem>> m_problems;
};

// The children of `component` of one kind, in order. Collected first so
// that walks never share libical's one iterator per component.
std::vector<icalcomponent *> children_of(icalcomponent *component,
                                         icalcomponent_kind kind = ICAL_ANY_COMPONENT);
std::vector<icalproperty *> properties_of(icalcomponent *component, icalproperty_kind kind);

// The value of an X- property, or empty.
std::string x_property(icalcomponent *component, std::string_view name);

} // namespace summit::ical::detail
