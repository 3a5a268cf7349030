#pragma once

#include <string>
#include <vector>

namespace summit::store {

// One numbered schema step, from schema/NNN_name.sql.
struct Migration {
  int version;      // NNN
  std::string name; // file name, for messages
  std::string sql;
};

// The migrations compiled into the binary (generated at build time from
// schema/ by cmake/EmbedSchema.cmake), in ascending version order.
const std::vector<Migration> &embedded_migrations();

} // namespace summit::store
