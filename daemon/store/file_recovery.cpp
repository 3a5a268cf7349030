#include "daemon/store/file_recovery.hpp"

#include "daemon/store/guarded.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

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

core::Result<void> write_back(SQLite::Database &db, const fs::path &path) {
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
