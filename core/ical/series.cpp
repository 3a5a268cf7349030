#include "core/ical/series.hpp"

#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <algorithm>
#include <limits>

namespace summit::ical {

namespace {

using core::LocalSeconds;
using core::Seconds;
using core::SysSeconds;

// Events live in 1900-2399; every search is held to these bounds so that
// no arithmetic overflows whatever range a caller passes.
const SysSeconds k_first_instant{date::sys_days{date::year{1899} / 12 / 30}};
const SysSeconds k_last_instant{date::sys_days{date::year{2401} / 1 / 2}};
const LocalSeconds k_first_wall{date::local_days{date::year{1899} / 12 / 30}};
const LocalSeconds k_last_wall{date::local_days{date::year{2401} / 1 / 2}};
// More than any DST change or zone jump can reorder wall times and
// instants (Pacific/Apia skipped a whole day in 2011).
constexpr Seconds k_reorder = date::days{2};

bool contains(const std::vector<LocalSeconds> &sorted, LocalSeconds t) {
  return std::binary_search(sorted.begin(), sorted.end(), t);
}

bool by_start(const Occurrence &a, const Occurrence &b) {
  return a.start_utc != b.start_utc ? a.start_utc < b.start_utc : a.id < b.id;
}

} // namespace

bool touches(const Occurrence &occurrence, const core::TimeRange &range) {
  if (occurrence.start_utc == occurrence.end_utc) {
    return range.contains(occurrence.start_utc);
  }
  return occurrence.span().overlaps(range);
}

Series::Series(const core::Event &event, const date::time_zone *zone, ExpansionBudget *budget)
    : m_event(event), m_zone(zone), m_budget(budget),
      m_all_day(event.precision != core::Precision::timed) {
  m_length = m_all_day ? event.end_local - event.start_local : event.end_utc - event.start_utc;
  if (event.recurrence && !event.recurrence->rrule.empty()) {
    if (auto rule = read_rule(event.recurrence->rrule, event, zone)) {
      m_rule = std::move(*rule);
    }
  }
}

RuleWalk &Series::walk() {
  if (!m_walk) {
    m_walk = std::make_unique<RuleWalk>(*m_rule, m_event.start_local, m_all_day, m_zone, m_budget);
  }
  return *m_walk;
}

Seconds Series::period() const {
  if (!m_rule) {
    return date::days{1};
  }
  Seconds unit = date::days{1};
  switch (m_rule->frequency) {
  case Frequency::minutely:
    unit = std::chrono::minutes{1};
    break;
  case Frequency::hourly:
    unit = std::chrono::hours{1};
    break;
  case Frequency::daily:
    break;
  case Frequency::weekly:
    unit = date::days{7};
    break;
  case Frequency::monthly:
    unit = date::days{31};
    break;
  case Frequency::yearly:
    unit = date::days{366};
    break;
  }
  return unit * m_rule->interval;
}

bool Series::excluded(LocalSeconds id) const {
  return m_event.recurrence && contains(m_event.recurrence->exdates, id);
}

const core::OccurrenceOverride *Series::override_of(LocalSeconds id) const {
  if (!m_event.recurrence) {
    return nullptr;
  }
  const auto &overrides = m_event.recurrence->overrides;
  const auto found = std::lower_bound(
      overrides.begin(), overrides.end(), id,
      [](const core::OccurrenceOverride &o, LocalSeconds t) { return o.occurrence < t; });
  return found != overrides.end() && found->occurrence == id ? &*found : nullptr;
}

bool Series::is_occurrence(LocalSeconds id) {
  if (excluded(id)) {
    return false;
  }
  if (id == m_event.start_local) {
    return true;
  }
  if (!recurring()) {
    return false;
  }
  if (contains(m_event.recurrence->rdates, id)) {
    return true;
  }
  if (!m_rule || id < m_event.start_local) {
    return false;
  }
  walk().seek(id, id);
  const auto start = walk().next();
  return start && *start == id;
}

Occurrence Series::natural(LocalSeconds id) const {
  Occurrence out;
  out.id = id;
  if (id == m_event.start_local) {
    // DTSTART keeps the instants the event has (its later offset, if given).
    out.start_local = m_event.start_local;
    out.end_local = m_event.end_local;
    out.start_utc = m_event.start_utc;
    out.end_utc = m_event.end_utc;
    return out;
  }
  if (m_all_day) {
    out.start_local = id;
    out.end_local = id + m_length;
    out.start_utc = core::resolve_local(out.start_local, m_zone).utc;
    out.end_utc = core::resolve_local(out.end_local, m_zone).utc;
    return out;
  }
  const auto start = core::resolve_local(id, m_zone);
  out.start_local = start.local;
  out.start_utc = start.utc;
  out.end_utc = start.utc + m_length;
  out.end_local = core::to_local(out.end_utc, m_zone);
  return out;
}

Occurrence Series::make(LocalSeconds id) const {
  const core::OccurrenceOverride *changed = override_of(id);
  if (changed == nullptr) {
    return natural(id);
  }
  return Occurrence{
      id, changed->start_local, changed->end_local, changed->start_utc, changed->end_utc, changed};
}

std::vector<Occurrence> Series::collect(const core::TimeRange &requested, std::size_t limit,
                                        bool starting) {
  std::vector<Occurrence> found;
  if (limit == 0) {
    return found;
  }
  const core::TimeRange range{std::clamp(requested.begin, k_first_instant, k_last_instant),
                              std::clamp(requested.end, k_first_instant, k_last_instant)};
  auto in_range = [&](const Occurrence &occurrence) {
    return starting ? range.contains(occurrence.start_utc) : touches(occurrence, range);
  };
  if (!recurring()) {
    const Occurrence itself = natural(m_event.start_local);
    if (in_range(itself)) {
      found.push_back(itself);
    }
    return found;
  }
  // Wall times whose occurrence could touch the range, with room for
  // the occurrence's length and for DST reordering. Where the zone keeps
  // one offset, wall times and instants keep their order and need no room
  // (a minutely rule would walk two days of starts on each side).
  const Seconds length = starting ? Seconds{0} : m_length;
  auto steady = [&](SysSeconds a, SysSeconds b) { return core::zone_info(a, m_zone).end > b; };
  const SysSeconds near_begin = range.begin - length - k_reorder;
  const Seconds before = steady(near_begin, range.begin + k_reorder) ? Seconds{0} : k_reorder;
  const Seconds after =
      steady(range.end - k_reorder, range.end + k_reorder) ? Seconds{0} : k_reorder;
  const Seconds within = steady(near_begin, range.end + k_reorder) ? Seconds{0} : k_reorder;
  const LocalSeconds from = core::to_local(range.begin, m_zone) - length - before;
  const LocalSeconds to = core::to_local(range.end, m_zone) + after;
  auto natural_one = [&](LocalSeconds id) {
    if (excluded(id) || override_of(id) != nullptr) {
      return false;
    }
    const Occurrence occurrence = natural(id);
    if (!in_range(occurrence)) {
      return false;
    }
    found.push_back(occurrence);
    return true;
  };
  if (m_rule) {
    // The rule gives starts in wall-time order; once `limit` are found,
    // those more than k_reorder later (or any later, where the offset
    // holds) cannot start earlier.
    std::optional<LocalSeconds> enough;
    std::size_t hits = 0;
    walk().seek(from, to);
    while (const auto start = walk().next()) {
      if (*start > to || (enough && *start > *enough + within)) {
        break;
      }
      if (natural_one(*start) && ++hits == limit) {
        enough = *start;
      }
    }
  } else if (m_event.start_local >= from && m_event.start_local <= to) {
    natural_one(m_event.start_local);
  }
  const auto &rdates = m_event.recurrence->rdates;
  for (auto it = std::lower_bound(rdates.begin(), rdates.end(), from);
       it != rdates.end() && *it <= to; ++it) {
    natural_one(*it);
  }
  // An override may have moved its occurrence anywhere: each is checked.
  for (const auto &changed : m_event.recurrence->overrides) {
    if (excluded(changed.occurrence)) {
      continue;
    }
    const Occurrence occurrence = make(changed.occurrence);
    if (in_range(occurrence)) {
      found.push_back(occurrence);
    }
  }
  std::sort(found.begin(), found.end(), by_start);
  found.erase(std::unique(found.begin(), found.end(),
                          [](const Occurrence &a, const Occurrence &b) { return a.id == b.id; }),
              found.end());
  if (found.size() > limit) {
    found.resize(limit);
  }
  return found;
}

std::vector<LocalSeconds> Series::ids(LocalSeconds from, LocalSeconds to, std::size_t limit) {
  std::vector<LocalSeconds> out;
  from = std::max(from, k_first_wall);
  to = std::min(to, k_last_wall);
  if (limit == 0 || from >= to) {
    return out;
  }
  auto add = [&](LocalSeconds id) {
    if (id >= from && id < to && !excluded(id)) {
      out.push_back(id);
    }
  };
  if (m_rule) {
    std::size_t taken = 0;
    walk().seek(from, to);
    while (const auto start = walk().next()) {
      if (*start >= to) {
        break;
      }
      if (!excluded(*start)) {
        out.push_back(*start);
        if (++taken == limit) {
          break;
        }
      }
    }
  } else {
    add(m_event.start_local);
  }
  if (recurring()) {
    const auto &rdates = m_event.recurrence->rdates;
    for (auto it = std::lower_bound(rdates.begin(), rdates.end(), from);
         it != rdates.end() && *it < to && out.size() < 2 * limit; ++it) {
      add(*it);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > limit) {
    out.resize(limit);
  }
  return out;
}

std::vector<LocalSeconds> Series::ids_before(LocalSeconds id, std::size_t limit) {
  std::vector<LocalSeconds> before;
  Seconds window = 4 * period();
  LocalSeconds earliest = m_event.start_local;
  if (recurring() && !m_event.recurrence->rdates.empty()) {
    earliest = std::min(earliest, m_event.recurrence->rdates.front());
  }
  earliest = std::max(earliest, k_first_wall);
  while (true) {
    const LocalSeconds from = std::max(earliest, id - window);
    before = ids(from, id, std::numeric_limits<std::size_t>::max());
    if (before.size() >= limit || from <= earliest || id - window < k_first_wall) {
      break;
    }
    window *= 4;
  }
  std::reverse(before.begin(), before.end());
  if (before.size() > limit) {
    before.resize(limit);
  }
  return before;
}

std::vector<LocalSeconds> Series::nearby(LocalSeconds id, std::size_t limit) {
  std::vector<LocalSeconds> candidates = ids_before(id, limit);
  const auto after = ids(id, k_last_wall, limit);
  candidates.insert(candidates.end(), after.begin(), after.end());
  std::sort(candidates.begin(), candidates.end(), [&](LocalSeconds a, LocalSeconds b) {
    const auto da = a < id ? id - a : a - id;
    const auto db = b < id ? id - b : b - id;
    return da != db ? da < db : a < b;
  });
  if (candidates.size() > limit) {
    candidates.resize(limit);
  }
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

core::TimeRange Series::span() {
  if (!recurring()) {
    return m_event.span();
  }
  std::optional<core::TimeRange> span;
  auto consider = [&](const Occurrence &occurrence) {
    if (!span) {
      span = occurrence.span();
    } else {
      span->begin = std::min(span->begin, occurrence.start_utc);
      span->end = std::max(span->end, occurrence.end_utc);
    }
  };
  // Only natural occurrences here; overrides are all considered below.
  auto natural_only = [&](LocalSeconds id) { return !excluded(id) && override_of(id) == nullptr; };

  // The earliest: the first natural start (and any DST may reorder within
  // a day or two after it), the RDATEs, the overrides.
  std::optional<LocalSeconds> first_natural;
  if (m_rule) {
    walk().seek(k_first_wall);
    while (const auto start = walk().next()) {
      if (first_natural && *start > *first_natural + k_reorder) {
        break;
      }
      if (natural_only(*start)) {
        first_natural = first_natural.value_or(*start);
        consider(natural(*start));
      }
    }
  } else if (natural_only(m_event.start_local)) {
    consider(natural(m_event.start_local));
  }
  for (const auto rdate : m_event.recurrence->rdates) {
    if (natural_only(rdate)) {
      consider(natural(rdate));
    }
  }
  for (const auto &changed : m_event.recurrence->overrides) {
    if (!excluded(changed.occurrence)) {
      consider(make(changed.occurrence));
    }
  }

  // The latest: none for an endless rule; else the last natural starts.
  if (m_rule && !m_rule->finite()) {
    if (span) {
      span->end = SysSeconds::max();
    }
  } else if (m_rule) {
    std::vector<LocalSeconds> tail; // natural starts within k_reorder of the last
    auto keep = [&](LocalSeconds start) {
      if (!natural_only(start)) {
        return;
      }
      tail.push_back(start);
      tail.erase(tail.begin(), std::find_if(tail.begin(), tail.end(), [&](LocalSeconds t) {
                   return t + k_reorder >= start;
                 }));
    };
    if (m_rule->count > 0) {
      walk().seek(m_event.start_local);
      while (const auto start = walk().next()) {
        keep(*start);
      }
    } else {
      // UNTIL: look back from it in growing windows until one holds a
      // natural start.
      const LocalSeconds until = m_rule->until_date ? LocalSeconds{*m_rule->until_date}
                                                    : core::to_local(*m_rule->until_utc, m_zone);
      for (Seconds window = 4 * period(); tail.empty(); window *= 4) {
        const LocalSeconds from = std::max(m_event.start_local, until - window);
        walk().seek(from);
        while (const auto start = walk().next()) {
          keep(*start);
        }
        if (from <= m_event.start_local) {
          break;
        }
      }
    }
    for (const auto start : tail) {
      consider(natural(start));
    }
  }
  return span.value_or(m_event.span());
}

} // namespace summit::ical
