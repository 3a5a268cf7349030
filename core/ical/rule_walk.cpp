#include "core/ical/rule_walk.hpp"

#include "core/ical/ical_time.hpp"
#include "core/zones.hpp"

#include <libical/ical.h>

#include <numeric>

namespace summit::ical {

namespace {

// The first wall time no event reaches (events end in 2399).
const core::LocalSeconds k_horizon{date::local_days{date::year{2400} / 1 / 1}};

} // namespace

RuleWalk::RuleWalk(const Rule &rule, core::LocalSeconds dtstart, bool all_day,
                   const date::time_zone *zone)
    : m_rule(rule), m_dtstart(dtstart), m_all_day(all_day), m_zone(zone),
      m_pattern(std::make_unique<icalrecurrencetype>()) {
  prepare_libical();
  *m_pattern = icalrecurrencetype_from_string(m_rule.pattern.c_str());
  seek(dtstart);
}

RuleWalk::~RuleWalk() { close(); }

void RuleWalk::close() {
  if (m_iterator != nullptr) {
    icalrecur_iterator_free(m_iterator);
    m_iterator = nullptr;
  }
}

void RuleWalk::open(core::LocalSeconds base) {
  close();
  if (m_pattern->freq != ICAL_NO_RECURRENCE) {
    m_iterator = icalrecur_iterator_new(*m_pattern, to_ical(base, m_all_day));
  }
  m_done = m_iterator == nullptr;
}

void RuleWalk::seek(core::LocalSeconds from) {
  m_from = from;
  m_steps = 0;
  m_cut_short = false;
  m_position = 0;
  m_last = core::LocalSeconds::min();
  if (m_rule.count > 0 || from <= m_dtstart) {
    // COUNT numbers the starts from DTSTART: walk from there.
    open(m_dtstart);
    m_dtstart_pending = true;
    return;
  }
  m_dtstart_pending = false;
  if (m_rule.frequency == Frequency::hourly || m_rule.frequency == Frequency::minutely) {
    const long long period = m_rule.frequency == Frequency::hourly ? 3600 : 60;
    const long long step = std::lcm(period * m_rule.interval, 86'400LL);
    // One whole step short of `from`: the first step's starts before the new
    // DTSTART's time of day are lost, and they are all before `from`.
    const long long steps = (from - m_dtstart).count() / step - 1;
    open(steps >= 1 ? m_dtstart + core::Seconds{steps * step} : m_dtstart);
    return;
  }
  open(m_dtstart);
  if (m_iterator != nullptr &&
      icalrecur_iterator_set_start(m_iterator, to_ical(from, m_all_day)) == 0) {
    m_done = true; // the first start would be past libical's horizon
  }
}

bool RuleWalk::past_until(core::LocalSeconds start) const {
  if (m_rule.until_date) {
    return date::floor<date::days>(start) > *m_rule.until_date;
  }
  if (m_rule.until_utc) {
    return core::resolve_local(start, m_zone).utc > *m_rule.until_utc;
  }
  return false;
}

std::optional<core::LocalSeconds> RuleWalk::next() {
  if (m_dtstart_pending) {
    m_dtstart_pending = false;
    m_last = m_dtstart;
    m_position = 1;
    if (m_dtstart >= m_from) {
      return m_dtstart;
    }
  }
  // A start past UNTIL by its wall time may still be before it by its
  // instant (a DST gap reorders the two): stop only well past it.
  const core::LocalSeconds until_bound =
      m_rule.until_utc    ? core::to_local(*m_rule.until_utc, m_zone) + date::days{2}
      : m_rule.until_date ? core::LocalSeconds{*m_rule.until_date}
                          : k_horizon;
  while (!m_done) {
    if (m_rule.count > 0 && m_position >= m_rule.count) {
      m_done = true;
      break;
    }
    if (m_steps >= k_max_steps) {
      m_cut_short = true;
      m_done = true;
      break;
    }
    ++m_steps;
    const icaltimetype t = icalrecur_iterator_next(m_iterator);
    if (icaltime_is_null_time(t) != 0) {
      m_done = true;
      break;
    }
    const core::LocalSeconds start = from_ical(t);
    if (start <= m_last) {
      continue; // DTSTART again, or libical repeating itself
    }
    if (start >= k_horizon) {
      m_done = true;
      break;
    }
    m_last = start;
    ++m_position;
    if (past_until(start)) {
      if (start > until_bound) {
        m_done = true;
        break;
      }
      continue;
    }
    if (start < m_from) {
      continue;
    }
    return start;
  }
  return std::nullopt;
}

bool rule_never_matches(const Rule &rule, core::LocalSeconds dtstart, bool all_day) {
  prepare_libical();
  icalrecurrencetype pattern = icalrecurrencetype_from_string(rule.pattern.c_str());
  if (pattern.freq == ICAL_NO_RECURRENCE) {
    return true;
  }
  icalrecur_iterator *iterator = icalrecur_iterator_new(pattern, to_ical(dtstart, all_day));
  if (iterator == nullptr) {
    return true;
  }
  const bool nothing = icaltime_is_null_time(icalrecur_iterator_next(iterator)) != 0;
  icalrecur_iterator_free(iterator);
  return nothing;
}

} // namespace summit::ical
