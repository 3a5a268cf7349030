#include "core/ical/rule_walk.hpp"

#include "core/ical/ical_time.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

namespace summit::ical {

namespace {

// The first wall time no event reaches (events end in 2399).
const core::LocalSeconds k_horizon{date::local_days{date::year{2400} / 1 / 1}};

// A start of a COUNT rule and its number (DTSTART is the first).
struct Checkpoint {
  core::LocalSeconds start;
  int position = 0;
};

// Every k_checkpoint_every-th start of the COUNT rules walked so far, by
// rule and DTSTART: the same for every event that has them, so shared by
// the whole process (a request on another thread included). Bounded: past
// k_max_series entries it starts again empty.
class CheckpointCache {
public:
  static constexpr std::size_t k_max_series = 4096;

  // The latest noted start at or before `from`.
  std::optional<Checkpoint> before(const std::string &key, core::LocalSeconds from) {
    std::lock_guard lock{m_mutex};
    const auto found = m_series.find(key);
    if (found == m_series.end() || found->second.empty() || found->second.front().start > from) {
      return std::nullopt;
    }
    const auto &list = found->second;
    const auto after =
        std::upper_bound(list.begin(), list.end(), from,
                         [](core::LocalSeconds t, const Checkpoint &c) { return t < c.start; });
    return *(after - 1);
  }

  // Notes `checkpoint` when it is the next one the list lacks.
  void note(const std::string &key, Checkpoint checkpoint) {
    std::lock_guard lock{m_mutex};
    auto found = m_series.find(key);
    if (found == m_series.end()) {
      if (checkpoint.position != RuleWalk::k_checkpoint_every) {
        return;
      }
      if (m_series.size() >= k_max_series) {
        m_series.clear();
      }
      found = m_series.emplace(key, std::vector<Checkpoint>{}).first;
    }
    auto &list = found->second;
    const int expected = (static_cast<int>(list.size()) + 1) * RuleWalk::k_checkpoint_every;
    if (checkpoint.position == expected) {
      list.push_back(checkpoint);
    }
  }

private:
  std::mutex m_mutex;
  std::unordered_map<std::string, std::vector<Checkpoint>> m_series;
};

CheckpointCache &checkpoints() {
  static CheckpointCache cache;
  return cache;
}

} // namespace

RuleWalk::RuleWalk(const Rule &rule, core::LocalSeconds dtstart, bool all_day,
                   const date::time_zone *zone, ExpansionBudget *budget)
    : m_rule(rule), m_dtstart(dtstart), m_all_day(all_day), m_zone(zone), m_budget(budget),
      m_pattern(std::make_unique<icalrecurrencetype>()) {
  prepare_libical();
  *m_pattern = icalrecurrencetype_from_string(m_rule.pattern.c_str());
  if (expanded_by_summit(m_rule)) {
    m_periods = std::make_unique<RulePeriods>(m_rule, m_dtstart, m_all_day);
  }
  if (m_rule.count > 0) {
    m_key = fmt::format("{}|{}|{}", m_rule.pattern, m_dtstart.time_since_epoch().count(),
                        m_all_day ? 1 : 0);
  }
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
  if (m_periods) {
    m_periods->seek(base);
    m_done = false;
    return;
  }
  if (m_pattern->freq != ICAL_NO_RECURRENCE) {
    m_iterator = icalrecur_iterator_new(*m_pattern, to_ical(base, m_all_day));
  }
  m_done = m_iterator == nullptr;
}

std::optional<core::Seconds> RuleWalk::fixed_step() const {
  const bool no_by_part = m_rule.parts.empty() || (m_rule.parts.size() == 1 && m_rule.has("WKST"));
  if (!no_by_part) {
    return std::nullopt;
  }
  switch (m_rule.frequency) {
  case Frequency::minutely:
    return core::Seconds{60LL * m_rule.interval};
  case Frequency::hourly:
    return core::Seconds{3600LL * m_rule.interval};
  case Frequency::daily:
    return core::Seconds{86'400LL * m_rule.interval};
  case Frequency::weekly:
    return core::Seconds{7 * 86'400LL * m_rule.interval};
  default:
    return std::nullopt; // months and years differ in length: not a fixed step
  }
}

void RuleWalk::open_near(core::LocalSeconds from) {
  const long long period = m_rule.frequency == Frequency::hourly ? 3600 : 60;
  const long long step = std::lcm(period * m_rule.interval, 86'400LL);
  // The last whole step strictly before `from`: libical gives the moved
  // DTSTART first even where the pattern does not (a day BYDAY leaves
  // out), so it must come before anything asked for; the first step's
  // starts before its time of day are lost, and they are all before `from`.
  const long long steps = ((from - m_dtstart).count() - 1) / step;
  open(steps >= 1 ? m_dtstart + core::Seconds{steps * step} : m_dtstart);
}

void RuleWalk::resume(core::LocalSeconds start, int position) {
  m_position = position - 1;
  m_last = start - core::Seconds{1}; // starts before it are skipped, not counted
  if (m_periods) {
    open(start);
    return;
  }
  if (m_rule.frequency == Frequency::hourly || m_rule.frequency == Frequency::minutely) {
    open_near(start);
    return;
  }
  open(m_dtstart);
  if (m_iterator != nullptr &&
      icalrecur_iterator_set_start(m_iterator, to_ical(start, m_all_day)) == 0) {
    m_done = true;
  }
}

void RuleWalk::seek(core::LocalSeconds from, core::LocalSeconds until) {
  if (m_periods) {
    m_periods->stop_after(until);
  }
  m_from = from;
  m_steps = 0;
  m_cut_short = false;
  m_position = 0;
  m_last = core::LocalSeconds::min();
  m_dtstart_pending = false;
  if (from <= m_dtstart) {
    open(m_dtstart);
    m_dtstart_pending = true;
    return;
  }
  if (from >= k_horizon) {
    close();
    m_done = true;
    return;
  }
  if (m_rule.count > 0) {
    // COUNT numbers the starts from DTSTART: how many come before `from`?
    if (const auto step = fixed_step()) {
      // Start k (from 0) is DTSTART + k steps; the first at or after `from`:
      const long long k = ((from - m_dtstart).count() + step->count() - 1) / step->count();
      if (k >= m_rule.count) {
        close();
        m_done = true;
        return;
      }
      m_position = static_cast<int>(k);
      open(m_dtstart + *step * k);
      return;
    }
    if (const auto checkpoint = checkpoints().before(m_key, from)) {
      resume(checkpoint->start, checkpoint->position);
      return;
    }
    open(m_dtstart);
    m_dtstart_pending = true;
    return;
  }
  if (const auto step = fixed_step()) {
    // The first DTSTART + k steps at or after `from`, a start itself.
    const long long k = ((from - m_dtstart).count() + step->count() - 1) / step->count();
    open(m_dtstart + *step * k);
    return;
  }
  if (m_periods) {
    open(from);
    return;
  }
  if (m_rule.frequency == Frequency::hourly || m_rule.frequency == Frequency::minutely) {
    open_near(from);
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
    if (m_budget != nullptr ? !m_budget->take() : m_steps >= k_max_steps) {
      m_cut_short = true;
      m_done = true;
      break;
    }
    ++m_steps;
    core::LocalSeconds start{};
    if (m_periods) {
      const auto step = m_periods->next();
      if (step.kind == RulePeriods::Kind::end) {
        m_done = true;
        break;
      }
      if (step.kind == RulePeriods::Kind::empty) {
        continue;
      }
      start = step.start;
    } else {
      const icaltimetype t = icalrecur_iterator_next(m_iterator);
      if (icaltime_is_null_time(t) != 0) {
        m_done = true;
        break;
      }
      start = from_ical(t);
    }
    if (start <= m_last) {
      continue; // DTSTART again, or libical repeating itself
    }
    if (start >= k_horizon) {
      m_done = true;
      break;
    }
    m_last = start;
    ++m_position;
    if (m_rule.count > 0 && m_position % k_checkpoint_every == 0) {
      checkpoints().note(m_key, {start, m_position});
    }
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
  // Every DAILY or coarser rule is searched by summit's own expansion (the
  // same starts as libical's where libical is right): to 2399, a few
  // milliseconds, where libical searched to 2582 for up to two seconds
  // (FREQ=MONTHLY;BYMONTHDAY=-19;BYDAY=5FR).
  if (rule.frequency != Frequency::hourly && rule.frequency != Frequency::minutely) {
    RulePeriods periods(rule, dtstart, all_day);
    while (true) {
      const auto step = periods.next();
      if (step.kind != RulePeriods::Kind::empty) {
        return step.kind == RulePeriods::Kind::end;
      }
    }
  }
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
