#pragma once

#include "cli/client/command_environment.hpp"

#include <ostream>

namespace summit::cli {

// Runs one `summit` command line: parses it, talks to summitd, writes the
// result to `out` and every message to `err` ("summit: ..."). Returns one
// of the k_exit_* codes; never throws.
int run(int argc, const char *const *argv, const CommandEnvironment &env, std::ostream &out,
        std::ostream &err);

} // namespace summit::cli
