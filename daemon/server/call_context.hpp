#pragma once

#include "core/time_range.hpp"

#include <cstdint>

namespace summit::server {

// Who is on the other end of a connection, from SO_PEERCRED.
struct Peer {
  std::uint32_t uid = 0;
  std::int32_t pid = 0; // 0 when unknown
};

// What a handler knows about the request beyond its params: the caller and
// the instant the request arrived (the clock is read once, at the edge).
struct CallContext {
  Peer peer;
  core::SysSeconds now{};
};

} // namespace summit::server
