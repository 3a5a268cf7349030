#pragma once

#include "cli/client/command_session.hpp"

#include <optional>
#include <string>

namespace summit::cli {

// `summit agenda [--days N]`: the events from now to the end of the N-th
// day (today is the first) in the viewer's zone, repeating events expanded,
// grouped under day headings (agenda_view.hpp), every one in the range:
// event.list is read page after page and each day printed once complete.
// --json prints an array of whole event objects (event_listing.hpp).
int show_agenda(CommandSession &session, int days);

// `summit cal [MONTH]`: the month grid (month_grid.hpp) with the days that
// have events marked and today highlighted -- in colour when stdout is a
// terminal and NO_COLOR is unset or empty -- then that month's events as
// `agenda` lists them (the month is listed twice: once to mark the grid,
// once to print). --json prints an array of whole event objects.
int show_month(CommandSession &session, const std::optional<std::string> &month);

} // namespace summit::cli
