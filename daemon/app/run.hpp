#pragma once

namespace summit::daemon {

// summitd's whole life: parse the command line, read the configuration,
// open the store, serve until SIGTERM/SIGINT, shut down cleanly. Returns the
// exit code (0 after a clean shutdown or --help). Throws Fatal for
// everything a user must fix (usage: exit 2; anything else: exit 1).
int run(int argc, const char *const *argv);

} // namespace summit::daemon
