#include "daemon/store/file_recovery.hpp"

#include "daemon/store/guarded.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace summit::store {

namespace fs = std::filesystem;

core::Result<void> make_parent_folders(const fs::path &path) {
  const fs::path parent = path.parent_path();
  std::error_code ec;
  if (parent.empty() || fs::exists(parent, ec)) {
    return {};
  }
  std::vector<fs::path> missing;
  for (fs::path p = parent; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) {
      break;
    }
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, ec) && ec) {
      return core::fail(core::ErrorCode::storage,
                        fmt::format("could not create folder '{}' for the database: {}",
                                    it->string(), ec.message()));
    }
    fs::permissions(*it, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
      return core::fail(
          core::ErrorCode::storage,
          fmt::format("could not make folder '{}' private: {}", it->string(), ec.message()));
    }
  }
  return {};
}

core::Result<bool> create_private_file(const fs::path &path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return false;
    }
    return core::fail(core::ErrorCode::storage,
                      fmt::format("could not create the database file '{}': {}", path.string(),
                                  std::strerror(errno)));
  }
  // The umask may have taken bits away (umask 0277, say): set them exactly.
  const bool made_private = ::fchmod(fd, 0600) == 0;
  const int error = errno;
  ::close(fd);
  if (!made_private) {
    std::error_code ignored;
    fs::remove(path, ignored);
    return core::fail(core::ErrorCode::storage,
                      fmt::format("could not make the database file '{}' private (mode 0600): {}",
                                  path.string(), std::strerror(error)));
  }
  return true;
}

core::Result<void> write_back(SQLite::Database &db, const fs::path &path) {
  // VACUUM INTO takes an empty file as its target: the copy is private too.
  if (auto created = create_private_file(path); !created) {
    return tl::unexpected(created.error());
  }
  auto copied = guarded("write the database back", [&]() -> core::Result<void> {
    SQLite::Statement vacuum(db, "VACUUM INTO :path");
    vacuum.bind(":path", path.string());
    vacuum.exec();
    return {};
  });
  if (!copied) {
    std::error_code ignored;
    fs::remove(path, ignored);
    return copied;
  }
  // VACUUM INTO does not sync what it wrote.
  for (const fs::path &synced : {path, path.parent_path()}) {
    const int fd = ::open(synced.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  return {};
}

} // namespace summit::store
