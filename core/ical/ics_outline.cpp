#include "core/ical/ics_outline.hpp"

#include "core/ical/ics_fields.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <optional>

namespace summit::ical::detail {

namespace {

using core::ErrorCode;
using core::fail;

constexpr std::size_t k_max_shown = 60;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool is_blank(std::string_view text) { return trim(text).empty(); }

// A line as it may be quoted in a message: not a whole megabyte of it.
std::string shown(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, k_max_shown)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? '?' : c;
  }
  if (text.size() > k_max_shown) {
    out += "...";
  }
  return out;
}

tl::unexpected<core::Error> at_line(int line, std::string message) {
  return fail(ErrorCode::invalid_params, fmt::format("line {}: {}", line, message));
}

struct PhysicalLine {
  int number = 0;
  std::string_view text;
};

// Lines as Python's bytes.splitlines() counts them (the corpus manifest
// does): CRLF, LF and a lone CR each end one.
std::vector<PhysicalLine> split_lines(std::string_view text) {
  std::vector<PhysicalLine> lines;
  int number = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') {
      continue;
    }
    lines.push_back({number++, text.substr(start, i - start)});
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    }
    start = i + 1;
  }
  if (start < text.size()) {
    lines.push_back({number, text.substr(start)});
  }
  return lines;
}

// The property name: the text before the first ';' or ':'.
std::string name_of(std::string_view text) {
  return upper_case(std::string(trim(text.substr(0, text.find_first_of(";:")))));
}

core::Result<std::vector<ContentLine>> unfold(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  std::vector<ContentLine> lines;
  bool after_blank = false;
  for (const PhysicalLine &physical : split_lines(text)) {
    if (physical.text.find('\0') != std::string_view::npos) {
      return at_line(physical.number, "contains a NUL byte; an iCalendar file is text");
    }
    const bool continues =
        !physical.text.empty() && (physical.text.front() == ' ' || physical.text.front() == '\t');
    if (continues && !lines.empty() && !after_blank) {
      lines.back().text.append(physical.text.substr(1));
      continue;
    }
    if (is_blank(physical.text)) {
      after_blank = true;
      continue;
    }
    if (continues && !lines.empty()) {
      return at_line(physical.number,
                     fmt::format("'{}' starts with a space, so it continues the line before, "
                                 "but the line before is empty",
                                 shown(trim(physical.text))));
    }
    // A first line indented by mistake is read as it stands.
    after_blank = false;
    lines.push_back({physical.number, std::string(trim(physical.text)), {}});
    if (!continues) {
      lines.back().text = std::string(physical.text);
    }
  }
  for (ContentLine &line : lines) {
    // libical drops trailing blanks of a line; so does the name.
    const auto colon = line.text.find(':');
    if (colon == std::string::npos) {
      return at_line(line.line, fmt::format("'{}' is not a content line (NAME:VALUE); if it "
                                            "continues the line before, it must start with a "
                                            "space",
                                            shown(line.text)));
    }
    line.name = name_of(line.text);
    if (line.name.empty()) {
      return at_line(line.line,
                     fmt::format("'{}' has no property name before ':'", shown(line.text)));
    }
  }
  return lines;
}

// The component a BEGIN or END line names, upper-case, or nothing when the
// line is no plain "BEGIN:NAME".
std::optional<std::string> component_name(const ContentLine &line) {
  const auto colon = line.text.find(':');
  const auto semicolon = line.text.find(';');
  if (semicolon < colon) {
    return std::nullopt;
  }
  auto name = upper_case(std::string(trim(std::string_view(line.text).substr(colon + 1))));
  if (name.empty()) {
    return std::nullopt;
  }
  return name;
}

} // namespace

core::Result<Outline> outline_calendar(std::string_view text) {
  auto lines = unfold(text);
  if (!lines) {
    return tl::unexpected(lines.error());
  }
  Outline outline;
  outline.lines = std::move(*lines);
  if (outline.lines.empty()) {
    return fail(ErrorCode::invalid_params,
                "the text is empty: an iCalendar file starts with BEGIN:VCALENDAR");
  }
  std::vector<int> open; // indexes into outline.components
  int last_calendar_end = 0;
  for (std::size_t i = 0; i < outline.lines.size(); ++i) {
    const ContentLine &line = outline.lines[i];
    const bool begins = line.name == "BEGIN";
    const bool ends = line.name == "END";
    if (open.empty() && !(begins && component_name(line) == "VCALENDAR")) {
      if (last_calendar_end == 0) {
        return at_line(line.line,
                       fmt::format("'{}' is not the start of an iCalendar file, which begins "
                                   "with BEGIN:VCALENDAR",
                                   shown(line.text)));
      }
      if (begins) {
        return at_line(line.line, fmt::format("'{}' comes after END:VCALENDAR (line {}) and "
                                              "belongs to no calendar",
                                              shown(line.text), last_calendar_end));
      }
      // A stray property after the calendar (a cache's comment, say):
      // reported, not fatal.
      outline.stray.push_back(i);
      continue;
    }
    if (begins || ends) {
      const auto name = component_name(line);
      if (!name) {
        return at_line(line.line, fmt::format("'{}' names no component (BEGIN:VEVENT, "
                                              "END:VEVENT)",
                                              shown(line.text)));
      }
      if (begins) {
        if (icalenum_string_to_component_kind(name->c_str()) == ICAL_NO_COMPONENT) {
          return at_line(line.line,
                         fmt::format("BEGIN:{} names no iCalendar component", shown(*name)));
        }
        if (*name == "VCALENDAR" && !open.empty()) {
          return at_line(line.line, fmt::format("BEGIN:VCALENDAR inside the {} begun at line {}",
                                                outline.components[open.back()].name,
                                                outline.components[open.back()].begin_line));
        }
        ComponentOutline component;
        component.name = *name;
        component.begin_line = line.line;
        component.first = i;
        component.parent = open.empty() ? -1 : open.back();
        const int index = static_cast<int>(outline.components.size());
        if (open.empty()) {
          outline.calendars.push_back(index);
        } else {
          outline.components[open.back()].children.push_back(index);
        }
        outline.components.push_back(std::move(component));
        open.push_back(index);
        continue;
      }
      ComponentOutline &current = outline.components[open.back()];
      if (*name != current.name) {
        return at_line(line.line, fmt::format("END:{} does not close the {} begun at line {}",
                                              shown(*name), current.name, current.begin_line));
      }
      current.end_line = line.line;
      current.last = i;
      if (current.parent == -1) {
        last_calendar_end = line.line;
      }
      open.pop_back();
      continue;
    }
    ComponentOutline &owner = outline.components[open.back()];
    owner.own_lines.push_back(i);
    owner.lines_by_name[line.name].push_back(line.line);
  }
  if (!open.empty()) {
    const ComponentOutline &unclosed = outline.components[open.back()];
    return at_line(unclosed.begin_line,
                   fmt::format("BEGIN:{} has no END:{}: the text ends at line {} (cut short?)",
                               unclosed.name, unclosed.name, outline.lines.back().line));
  }
  return outline;
}

int line_of(const Outline & /*outline*/, const ComponentOutline &component, std::string_view name,
            std::size_t nth) {
  const auto found = component.lines_by_name.find(name);
  if (found == component.lines_by_name.end() || nth >= found->second.size()) {
    return 0;
  }
  return found->second[nth];
}

std::size_t count_of(const Outline & /*outline*/, const ComponentOutline &component,
                     std::string_view name) {
  const auto found = component.lines_by_name.find(name);
  return found == component.lines_by_name.end() ? 0 : found->second.size();
}

} // namespace summit::ical::detail
