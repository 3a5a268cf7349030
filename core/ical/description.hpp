#pragma once

#include "core/event.hpp"
#include "core/ical/rule.hpp"

#include <date/tz.h>

#include <string>

// Internal to summit_core_ical.
namespace summit::ical {

// A short English phrase for a rule of `event`: "every week on Friday",
// "monthly on the last Friday", "yearly in September on the last Friday,
// 10 times", "daily until 31 Dec 2027". Shapes it has no words for (BYHOUR,
// BYSETPOS, BYWEEKNO, ...) are given as the rule's text.
std::string describe(const Rule &rule, const core::Event &event, const date::time_zone *zone);

// The phrase for a series without a rule: "on 3 dates".
std::string describe_dates(const core::Event &event);

} // namespace summit::ical
