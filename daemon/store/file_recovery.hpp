#pragma once

#include "core/error.hpp"

#include <filesystem>

namespace SQLite {
class Database;
}

namespace summit::store {

// What the store does when its file is deleted under it (its folder removed
// while summitd runs, say): the calendar is written back to the same path
// from the open connection, so that nothing committed is lost and nothing is
// written to a deleted file that would vanish when summitd exits.
// EventStore::ensure_file decides when; this is how.

// Creates the missing folders above `path`, each with mode 0700: the
// calendar is private to its owner, and XDG says so for $XDG_DATA_HOME.
core::Result<void> make_parent_folders(const std::filesystem::path &path);

// Creates `path` as an empty file with mode 0600, whatever the umask, when
// nothing is there yet: SQLite would create it 0644 less the umask, and it
// gives the -wal and -shm files the database file's mode. True when this
// call made the file; false when something was already there.
core::Result<bool> create_private_file(const std::filesystem::path &path);

// Writes the database open on `db` to `path` (VACUUM INTO, outside any
// transaction) and syncs the copy and its folder: it must be on disk before
// the next write is acknowledged on top of it. A partial copy is removed, so
// that it never passes for the calendar.
core::Result<void> write_back(SQLite::Database &db, const std::filesystem::path &path);

} // namespace summit::store
