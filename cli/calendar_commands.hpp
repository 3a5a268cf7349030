#pragma once

#include "cli/session.hpp"

#include <optional>
#include <string>

namespace summit::cli {

// The most events `agenda` and `cal` ask for (event.list's largest limit);
// past it they say "(more events not shown)".
inline constexpr int k_view_limit = 10000;

// `summit agenda [--days N]`: the events from now to the end of the N-th
// day (today is the first) in the viewer's zone, repeating events expanded,
// grouped under day headings (agenda_view.hpp). --json prints event.list's
// events as they are.
int show_agenda(Session &session, int days);

// `summit cal [MONTH]`: the month grid (month_grid.hpp) with the days that
// have events marked and today highlighted -- in colour when stdout is a
// terminal and NO_COLOR is unset or empty -- then that month's events as
// `agenda` lists them. --json prints event.list's events as they are.
int show_month(Session &session, const std::optional<std::string> &month);

} // namespace summit::cli
