#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>

// How large a reply that lists may grow, and so how large one event may be
// (docs/PROTOCOL.md, Limits).
namespace summit::core {

// The most bytes the `result` of one page of a listing (event.list,
// calendar.export) takes on the wire: a page stops before it would pass
// it. 1 MiB less 4 KiB for the envelope, so that a reply line stays within
// 1 MiB for any request id of up to 4 KiB.
inline constexpr std::size_t k_max_page_bytes = std::size_t{1024} * 1024 - 4096;

// The most bytes one event takes as JSON (event_to_json, on the wire): a
// quarter of a page, so that no single event can fill a page of
// event.list. Its calendar.export text may take at most half a page.
// event_from_add_params refuses larger events (and so do event.update and
// calendar.import, which go through it).
inline constexpr std::size_t k_max_event_bytes = k_max_page_bytes / 4;
inline constexpr std::size_t k_max_exported_event_bytes = k_max_page_bytes / 2;

// The bytes `value` takes in a line written by rpc::to_line (without the
// '\n').
std::size_t wire_size(const nlohmann::json &value);

} // namespace summit::core
