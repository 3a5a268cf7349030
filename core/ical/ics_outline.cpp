#include "core/ical/ics_outline.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>

namespace summit::ical::detail {

namespace {

using core::ErrorCode;
using core::fail;

constexpr std::size_t k_max_shown = 60;

// iCalendar's blanks (WSP) only.
std::string_view trim(std::string_view text) { return core::text::trim(text, core::text::k_wsp); }

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

// Calls `each(number, text)` for each physical line, numbered as Python's
// bytes.splitlines() counts them (the corpus manifest does): CRLF, LF and a
// lone CR each end one.
template <class Each> bool for_each_line(std::string_view text, Each &&each) {
  int number = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') {
      continue;
    }
    if (!each(number++, text.substr(start, i - start))) {
      return false;
    }
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    }
    start = i + 1;
  }
  return start >= text.size() || each(number, text.substr(start));
}

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

core::Result<void> unfold(std::string_view text, Outline &outline) {
  if (text.size() >= ContentLine::k_in_arena) {
    return fail(ErrorCode::invalid_params, "the text is longer than 2 GB");
  }
  outline.source = text;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  auto &lines = outline.lines;
  auto &arena = outline.arena;
  // At most one content line per line end, and no growth by doubling.
  // (A file of more than k_max_lines is refused when its next line comes.)
  lines.reserve(std::min(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1,
                         k_max_lines + 1));
  const auto offset_in_source = [&](std::string_view part) {
    return static_cast<std::uint32_t>(part.data() - outline.source.data());
  };
  // Copies the line to the end of the arena (where it can grow), once.
  const auto into_arena = [&](ContentLine &line) {
    if ((line.offset & ContentLine::k_in_arena) != 0) {
      return;
    }
    const std::string_view was = outline.text_of(line);
    line.offset = static_cast<std::uint32_t>(arena.size()) | ContentLine::k_in_arena;
    arena.append(was);
  };
  bool after_blank = false;
  std::optional<core::Error> error;
  for_each_line(text, [&](int number, std::string_view physical) {
    if (physical.find('\0') != std::string_view::npos) {
      error = at_line(number, "contains a NUL byte; an iCalendar file is text").value();
      return false;
    }
    const bool continues =
        !physical.empty() && (physical.front() == ' ' || physical.front() == '\t');
    if (continues && !lines.empty() && !after_blank) {
      ContentLine &last = lines.back();
      into_arena(last); // the last line: at the arena's end
      arena.append(physical.substr(1));
      if (arena.size() >= ContentLine::k_in_arena) {
        error = at_line(last.line, "is longer than 2 GB once unfolded").value();
        return false;
      }
      last.size =
          static_cast<std::uint32_t>(arena.size() - (last.offset & ~ContentLine::k_in_arena));
      return true;
    }
    if (is_blank(physical)) {
      after_blank = true;
      return true;
    }
    if (continues && !lines.empty()) {
      error = at_line(number, fmt::format("'{}' starts with a space, so it continues the line "
                                          "before, but the line before is empty",
                                          shown(trim(physical))))
                  .value();
      return false;
    }
    if (lines.size() >= k_max_lines) {
      error = at_line(number, fmt::format("the file has more than {} lines; summit imports at "
                                          "most that many from one file: split it into smaller "
                                          "files and import each",
                                          k_max_lines))
                  .value();
      return false;
    }
    // A first line indented by mistake is read as it stands.
    after_blank = false;
    const std::string_view kept = continues ? trim(physical) : physical;
    if (continues && kept.find(':') == std::string_view::npos) {
      error = at_line(number, fmt::format("'{}' starts with a space, so it would continue the "
                                          "line before it, but there is none: remove the "
                                          "space, or join it to the line it belongs to",
                                          shown(kept)))
                  .value();
      return false;
    }
    lines.push_back({offset_in_source(kept), static_cast<std::uint32_t>(kept.size()), 0, number});
    return true;
  });
  if (error) {
    return tl::unexpected(std::move(*error));
  }
  for (ContentLine &line : lines) {
    const std::string_view whole = outline.text_of(line);
    // libical drops trailing blanks of a line; so does the name.
    const auto colon = whole.find(':');
    if (colon == std::string_view::npos) {
      return at_line(line.line, fmt::format("'{}' is not a content line (NAME:VALUE); if it "
                                            "continues the line before, it must start with a "
                                            "space",
                                            shown(whole)));
    }
    // The property name: the text before the first ';' or ':' (the line
    // starts with no blank: one that did was a continuation, or trimmed).
    const std::string_view name = trim(whole.substr(0, whole.find_first_of(";:")));
    if (name.empty()) {
      return at_line(line.line, fmt::format("'{}' has no property name before ':'", shown(whole)));
    }
    line.name_size = static_cast<std::uint32_t>(name.size());
    if (std::any_of(name.begin(), name.end(), is_lower)) {
      // Upper-cased in a copy: libical reads names in any case.
      into_arena(line);
      const auto start = arena.begin() + (line.offset & ~ContentLine::k_in_arena);
      std::transform(start, start + name.size(), start,
                     [](char c) { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; });
    }
  }
  if (arena.size() >= ContentLine::k_in_arena) {
    return fail(ErrorCode::invalid_params, "the text is longer than 2 GB once unfolded");
  }
  return {};
}

// The component a BEGIN or END line names, upper-case, or nothing when the
// line is no plain "BEGIN:NAME".
std::optional<std::string> component_name(std::string_view text) {
  const auto colon = text.find(':');
  const auto semicolon = text.find(';');
  if (semicolon < colon) {
    return std::nullopt;
  }
  auto name = core::text::to_upper(trim(text.substr(colon + 1)));
  if (name.empty()) {
    return std::nullopt;
  }
  return name;
}

} // namespace

core::Result<Outline> outline_calendar(std::string_view text) {
  Outline outline;
  if (auto unfolded = unfold(text, outline); !unfolded) {
    return tl::unexpected(unfolded.error());
  }
  if (outline.lines.empty()) {
    return fail(ErrorCode::invalid_params,
                "the text is empty: an iCalendar file starts with BEGIN:VCALENDAR");
  }
  // One component per BEGIN line, and no growth by doubling.
  outline.components.reserve(
      std::min(static_cast<std::size_t>(std::count_if(
                   outline.lines.begin(), outline.lines.end(),
                   [&](const ContentLine &line) { return outline.name_of(line) == "BEGIN"; })),
               k_max_components));
  std::vector<int> open; // indexes into outline.components
  int last_calendar_end = 0;
  // The component each property line belongs to, until they are grouped.
  std::vector<std::uint32_t> owner_of;
  std::vector<std::uint32_t> owned; // the property lines, in file order
  owned.reserve(outline.lines.size());
  owner_of.reserve(outline.lines.size());
  for (std::size_t i = 0; i < outline.lines.size(); ++i) {
    const ContentLine &line = outline.lines[i];
    const std::string_view name_here = outline.name_of(line);
    const bool begins = name_here == "BEGIN";
    const bool ends = name_here == "END";
    if (open.empty() && !(begins && component_name(outline.text_of(line)) == "VCALENDAR")) {
      const std::string_view first = outline.text_of(line);
      if (last_calendar_end == 0 && first.size() > 15 &&
          core::text::to_upper(first.substr(0, 15)) == "BEGIN:VCALENDAR") {
        return at_line(line.line,
                       fmt::format("'{}': the line after BEGIN:VCALENDAR starts with a space, "
                                   "so it was read as the rest of that line (a folded line); "
                                   "remove the space at the start of line {}",
                                   shown(first), line.line + 1));
      }
      if (last_calendar_end == 0) {
        return at_line(line.line,
                       fmt::format("'{}' is not the start of an iCalendar file, which begins "
                                   "with BEGIN:VCALENDAR",
                                   shown(outline.text_of(line))));
      }
      if (begins) {
        return at_line(line.line, fmt::format("'{}' comes after END:VCALENDAR (line {}) and "
                                              "belongs to no calendar",
                                              shown(outline.text_of(line)), last_calendar_end));
      }
      // A stray property after the calendar (a cache's comment, say):
      // reported, not fatal.
      outline.stray.push_back(i);
      continue;
    }
    if (begins || ends) {
      const auto name = component_name(outline.text_of(line));
      if (!name) {
        return at_line(line.line, fmt::format("'{}' names no component (BEGIN:VEVENT, "
                                              "END:VEVENT)",
                                              shown(outline.text_of(line))));
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
        if (outline.components.size() >= k_max_components) {
          return at_line(line.line,
                         fmt::format("the file has more than {} components (BEGIN lines); summit "
                                     "imports at most that many from one file: split it into "
                                     "smaller files and import each",
                                     k_max_components));
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
    ++outline.components[open.back()].own_count;
    owner_of.push_back(static_cast<std::uint32_t>(open.back()));
    owned.push_back(static_cast<std::uint32_t>(i));
  }
  if (!open.empty()) {
    const ComponentOutline &unclosed = outline.components[open.back()];
    return at_line(unclosed.begin_line,
                   fmt::format("BEGIN:{} has no END:{}: the text ends at line {} (cut short?)",
                               unclosed.name, unclosed.name, outline.lines.back().line));
  }
  // Group the property lines by component (a counting sort: file order
  // within each), then sort each group by name for line_of.
  std::uint32_t next = 0;
  for (ComponentOutline &component : outline.components) {
    component.own_first = next;
    next += component.own_count;
  }
  outline.own.assign(owned.size(), 0);
  {
    std::vector<std::uint32_t> filled(outline.components.size(), 0);
    for (std::size_t k = 0; k < owned.size(); ++k) {
      const std::uint32_t component = owner_of[k];
      outline.own[outline.components[component].own_first + filled[component]++] = owned[k];
    }
  }
  std::vector<std::uint32_t>().swap(owned);
  std::vector<std::uint32_t>().swap(owner_of);
  outline.by_name = outline.own;
  for (const ComponentOutline &component : outline.components) {
    const auto begin = outline.by_name.begin() + component.own_first;
    std::stable_sort(begin, begin + component.own_count, [&](std::uint32_t a, std::uint32_t b) {
      return outline.name_of(outline.lines[a]) < outline.name_of(outline.lines[b]);
    });
  }
  return outline;
}

namespace {

// The component's lines named `name`, in file order.
std::span<const std::uint32_t> named(const Outline &outline, const ComponentOutline &component,
                                     std::string_view name) {
  const auto group = std::span<const std::uint32_t>(outline.by_name)
                         .subspan(component.own_first, component.own_count);
  const auto [begin, end] =
      std::equal_range(group.begin(), group.end(), name, [&](const auto &a, const auto &b) {
        const auto name_of = [&](const auto &x) -> std::string_view {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string_view>) {
            return x;
          } else {
            return outline.name_of(outline.lines[x]);
          }
        };
        return name_of(a) < name_of(b);
      });
  return {begin, end};
}

} // namespace

const ContentLine *find_line(const Outline &outline, const ComponentOutline &component,
                             std::string_view name, std::size_t nth) {
  const auto lines = named(outline, component, name);
  return nth < lines.size() ? &outline.lines[lines[nth]] : nullptr;
}

std::string_view line_value(std::string_view text) {
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && text[i] == ':') {
      return text.substr(i + 1);
    }
  }
  return {};
}

int line_of(const Outline &outline, const ComponentOutline &component, std::string_view name,
            std::size_t nth) {
  const ContentLine *found = find_line(outline, component, name, nth);
  return found != nullptr ? found->line : 0;
}

std::size_t count_of(const Outline &outline, const ComponentOutline &component,
                     std::string_view name) {
  return named(outline, component, name).size();
}

} // namespace summit::ical::detail
