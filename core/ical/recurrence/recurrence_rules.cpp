#include "core/ical/description.hpp"
#include "core/ical/recurrence.hpp"
#include "core/ical/rule.hpp"
#include "core/ical/rule_walk.hpp"
#include "core/ical/series.hpp"
#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <sstream>
#include <vector>

namespace summit::ical {

namespace {

using core::ErrorCode;
using core::fail;
using core::fail_field;
using core::Result;

constexpr const char *k_shortcut_help =
    "say daily, weekly, monthly, yearly, weekdays or \"every 2 weeks\" (optionally followed by "
    "\"until 2027-12-31\" or \"count 10\"), or give an RRULE such as FREQ=WEEKLY;BYDAY=FR";

tl::unexpected<core::Error> refuse(std::string message) {
  return fail(ErrorCode::invalid_params, std::move(message));
}

using core::text::to_lower;

std::vector<std::string> words(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) {
    out.push_back(word);
  }
  return out;
}

std::optional<int> whole_number(const std::string &text) { return core::text::to_int(text); }

// "daily", "every 2 weeks until 2027-12-31", "weekly count 10" as an RRULE
// (still to be read by read_rule, which puts it in canonical form).
Result<std::string> shortcut_rule(const std::string &text) {
  const std::vector<std::string> all = words(to_lower(text));
  std::vector<std::string> head;
  std::string end;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i] == "until" || all[i] == "count") {
      std::vector<std::string> rest(all.begin() + static_cast<std::ptrdiff_t>(i) + 1, all.end());
      const std::string value = fmt::format("{}", fmt::join(rest, " "));
      const std::string written = fmt::format("{} {}", all[i], value);
      if (value.empty()) {
        return refuse(fmt::format("{}: say {} what ({})", all[i], all[i],
                                  all[i] == "until" ? "until 2027-12-31" : "count 10"));
      }
      if (all[i] == "count") {
        const auto count = whole_number(value);
        if (!count || *count < 1 || *count > k_max_count) {
          return refuse(
              fmt::format("{}: give a whole number from 1 to 100,000 (count 10)", written));
        }
        end = fmt::format(";COUNT={}", *count);
      } else {
        if (value.find_first_of(";=") != std::string::npos) {
          return refuse(fmt::format("{}: give a date (until 2027-12-31)", written));
        }
        if (auto when = core::parse_iso(value); !when) {
          return refuse(fmt::format("{}: {}", written, when.error().message));
        }
        end = fmt::format(";UNTIL={}", value);
      }
      break;
    }
    head.push_back(all[i]);
  }
  const std::string written = fmt::format("{}", fmt::join(head, " "));
  if (head.size() == 1) {
    const std::string &word = head.front();
    if (word == "daily") {
      return "FREQ=DAILY" + end;
    }
    if (word == "weekly") {
      return "FREQ=WEEKLY" + end;
    }
    if (word == "fortnightly") {
      return "FREQ=WEEKLY;INTERVAL=2" + end;
    }
    if (word == "monthly") {
      return "FREQ=MONTHLY" + end;
    }
    if (word == "yearly" || word == "annually") {
      return "FREQ=YEARLY" + end;
    }
    if (word == "weekdays") {
      return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" + end;
    }
  }
  if (!head.empty() && head.front() == "every" && (head.size() == 2 || head.size() == 3)) {
    int interval = 1;
    if (head.size() == 3) {
      const auto n = head[1] == "other" ? std::optional<int>(2) : whole_number(head[1]);
      if (!n || *n < 1 || *n > 32767) {
        return refuse(
            fmt::format("{}: the interval must be a whole number from 1 to 32767", written));
      }
      interval = *n;
    }
    std::string unit = head.back();
    if (unit.size() > 1 && unit.back() == 's') {
      unit.pop_back();
    }
    const char *freq = unit == "day"     ? "DAILY"
                       : unit == "week"  ? "WEEKLY"
                       : unit == "month" ? "MONTHLY"
                       : unit == "year"  ? "YEARLY"
                                         : nullptr;
    if (head.size() == 2 && unit == "weekday") {
      return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" + end;
    }
    if (freq == nullptr) {
      return refuse(fmt::format("{}: unknown unit (say days, weeks, months or years)", written));
    }
    std::string rule = fmt::format("FREQ={}", freq);
    if (interval != 1) {
      rule += fmt::format(";INTERVAL={}", interval);
    }
    return rule + end;
  }
  return refuse(fmt::format("{}: not a rule; {}", text, k_shortcut_help));
}

std::string wire(const core::Event &event, core::LocalSeconds t) {
  return event.precision == core::Precision::all_day ? core::format_iso_date(t)
                                                     : core::format_iso_local(t);
}

class IcalRecurrenceRules final : public core::RecurrenceRules {
public:
  Result<std::string> canonical_rule(std::string_view input, const core::Event &event,
                                     const date::time_zone *zone) const override {
    std::string text(input);
    const std::string lowered = to_lower(text);
    const bool rrule = lowered.find('=') != std::string::npos || lowered.rfind("rrule:", 0) == 0;
    if (!rrule) {
      auto expanded = shortcut_rule(text);
      if (!expanded) {
        return tl::unexpected(expanded.error());
      }
      text = *expanded;
    }
    auto rule = read_rule(text, event, zone);
    if (!rule) {
      return tl::unexpected(rule.error());
    }
    if (rule_never_matches(*rule, event.start_local, event.precision == core::Precision::all_day)) {
      return refuse(fmt::format("{}: no date matches this rule from the start {}", rule->pattern,
                                wire(event, event.start_local)));
    }
    return rule->canonical;
  }

  Result<void> complete(core::Event &event, const date::time_zone *zone) const override {
    if (!event.recurrence) {
      return {};
    }
    core::Recurrence &recurrence = *event.recurrence;
    if (event.precision == core::Precision::month) {
      return fail_field("recurrence", "a month-precision event (date TBA) cannot repeat; give "
                                      "it a date first");
    }
    if (recurrence.rrule.empty() && recurrence.rdates.empty()) {
      return fail_field("recurrence", "needs an rrule or rdates: say when it repeats");
    }
    for (auto *dates : {&recurrence.rdates, &recurrence.exdates}) {
      std::sort(dates->begin(), dates->end());
      dates->erase(std::unique(dates->begin(), dates->end()), dates->end());
    }
    if (event.precision == core::Precision::all_day) {
      auto whole_days = [](core::LocalSeconds t) { return date::floor<date::days>(t) == t; };
      for (const auto &[name, dates] :
           {std::pair{"rdates", &recurrence.rdates}, std::pair{"exdates", &recurrence.exdates}}) {
        for (std::size_t i = 0; i < dates->size(); ++i) {
          if (!whole_days((*dates)[i])) {
            return fail_field(fmt::format("recurrence.{}[{}]", name, i),
                              "an all-day event's dates are whole days (2025-09-26)");
          }
        }
      }
    }
    std::optional<Rule> rule;
    if (!recurrence.rrule.empty()) {
      auto read = read_rule(recurrence.rrule, event, zone);
      if (!read) {
        return fail_field("recurrence.rrule", read.error().message);
      }
      rule = std::move(*read);
      recurrence.rrule = rule->canonical;
    }
    std::sort(recurrence.overrides.begin(), recurrence.overrides.end(),
              [](const auto &a, const auto &b) { return a.occurrence < b.occurrence; });
    Series series(event, zone);
    for (std::size_t i = 0; i < recurrence.overrides.size(); ++i) {
      const auto id = recurrence.overrides[i].occurrence;
      const std::string field = fmt::format("recurrence.overrides[{}].occurrence", i);
      if (i > 0 && recurrence.overrides[i - 1].occurrence == id) {
        return fail_field(field, fmt::format("{} has two overrides", wire(event, id)));
      }
      if (series.excluded(id)) {
        return fail_field(field, fmt::format("{} is cancelled (an EXDATE); drop the override or "
                                             "the EXDATE",
                                             wire(event, id)));
      }
      if (!series.is_occurrence(id)) {
        std::vector<std::string> near;
        for (const auto t : series.nearby(id, 3)) {
          near.push_back(wire(event, t));
        }
        return fail_field(field,
                          fmt::format("{} is not an occurrence of the series{}{}", wire(event, id),
                                      near.empty() ? "" : "; nearby: ", fmt::join(near, ", ")));
      }
    }
    if (series.ids(core::LocalSeconds::min(), core::LocalSeconds::max(), 1).empty()) {
      return fail_field("recurrence", "no occurrence is left: the exdates remove every one; "
                                      "remove the event instead");
    }
    recurrence.description = rule ? describe(*rule, event, zone) : describe_dates(event);
    return {};
  }
};

} // namespace

const core::RecurrenceRules &recurrence_rules() {
  static const IcalRecurrenceRules rules;
  return rules;
}

} // namespace summit::ical
