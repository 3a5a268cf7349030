#include "cli/client/event_listing.hpp"

#include "cli/views/terminal_text.hpp"
#include "core/event_json.hpp"
#include "core/occurrence_json.hpp"
#include "core/protocol.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace summit::cli {

using nlohmann::json;

EventListing::EventListing(CommandSession &session, json params, std::optional<std::size_t> cap)
    : m_session(session), m_params(std::move(params)), m_cap(cap) {}

tl::expected<std::optional<EventPage>, int> EventListing::next() {
  if (m_done) {
    return std::nullopt;
  }
  std::size_t limit = k_page_limit;
  if (m_cap) {
    limit = std::min(limit, *m_cap - m_read);
  }
  json params = m_params;
  params["limit"] = limit;
  if (m_after) {
    params["after"] = *m_after;
  }
  auto result = m_session.call(core::protocol::event_list, std::move(params));
  if (!result) {
    return tl::unexpected(result.error());
  }
  EventPage page;
  if (auto events = result->find("events"); events != result->end() && events->is_array()) {
    page.entries = std::move(*events);
  }
  if (auto series = result->find("series"); series != result->end() && series->is_object()) {
    page.series = std::move(*series);
  }
  m_read += page.entries.size();
  const bool more = result->value("more", false);
  const json next = result->value("next", json());
  if (!more) {
    m_done = true;
  } else if (!next.is_string() || page.entries.empty() || (m_after && *m_after == next)) {
    // No way on (a daemon that does not page, or a cursor that does not
    // move): stop rather than ask the same page again.
    m_done = true;
    m_left_some = true;
  } else if (m_cap && m_read >= *m_cap) {
    m_done = true;
    m_left_some = true;
  } else {
    m_after = next.get<std::string>();
  }
  return page;
}

json whole_event(const json &entry, const json &series) {
  if (!entry.is_object() || !entry.contains("occurrence")) {
    return entry;
  }
  const std::string key = std::to_string(entry.value("id", std::int64_t{0}));
  auto found = series.find(key);
  if (found == series.end() || !found->is_object()) {
    return entry;
  }
  json whole = *found;
  for (const auto &[member, value] : entry.items()) {
    whole[member] = value;
  }
  return whole;
}

tl::expected<std::vector<core::Event>, int> page_events(CommandSession &session,
                                                        const EventPage &page) {
  std::map<std::string, core::Event> series;
  std::vector<core::Event> events;
  events.reserve(page.entries.size());
  for (const json &entry : page.entries) {
    if (!entry.is_object() || !entry.contains("occurrence")) {
      auto event = session.parse_event(entry);
      if (!event) {
        return tl::unexpected(event.error());
      }
      events.push_back(std::move(*event));
      continue;
    }
    const std::string key = std::to_string(entry.value("id", std::int64_t{0}));
    auto known = series.find(key);
    if (known == series.end()) {
      auto object = page.series.find(key);
      if (object == page.series.end()) {
        // An older daemon sent each occurrence whole.
        auto event = session.parse_event(entry);
        if (!event) {
          return tl::unexpected(event.error());
        }
        events.push_back(std::move(*event));
        continue;
      }
      auto parsed = session.parse_event(*object);
      if (!parsed) {
        return tl::unexpected(parsed.error());
      }
      parsed->description.clear();
      parsed->recurrence.reset();
      known = series.emplace(key, std::move(*parsed)).first;
    }
    auto occurrence = core::occurrence_from_json(known->second, entry);
    if (!occurrence) {
      return tl::unexpected(session.bad_reply(occurrence.error().message));
    }
    events.push_back(std::move(*occurrence));
  }
  return events;
}

void JsonArrayPrinter::add(const json &element) {
  std::string text = json_text(element, 2);
  std::string indented;
  indented.reserve(text.size() + 16);
  for (const char c : text) {
    indented += c;
    if (c == '\n') {
      indented += "  ";
    }
  }
  m_out << (m_any ? ",\n  " : "[\n  ") << indented;
  m_any = true;
}

void JsonArrayPrinter::finish() { m_out << (m_any ? "\n]\n" : "[]\n"); }

} // namespace summit::cli
