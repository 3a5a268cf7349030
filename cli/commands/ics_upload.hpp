#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace summit::cli {

// How much of a file one import.chunk carries (docs/PROTOCOL.md: pieces are
// joined as they come, cut anywhere). Each piece is also a JSON string on
// one request line, which summitd limits (1 MiB by default): escaping can
// make a piece longer on the wire, so its escaped length is bounded too.
inline constexpr std::size_t k_piece_bytes = std::size_t{256} * 1024;
inline constexpr std::size_t k_piece_wire_bytes = std::size_t{768} * 1024;

// The length of the next piece to send from the front of `pending`: at
// most `limit` bytes and at most `wire_limit` bytes once JSON-escaped,
// ending on a UTF-8 character boundary (a JSON string cannot hold half a
// character). With `at_end` false, 0 means "read more first": what is
// pending is all part of one piece.
std::size_t next_piece_length(std::string_view pending, bool at_end,
                              std::size_t limit = k_piece_bytes,
                              std::size_t wire_limit = k_piece_wire_bytes);

// The offset of the first byte of `text` that is not part of well-formed
// UTF-8 (overlong forms, surrogates and code points past U+10FFFF included),
// or nothing when all of it is.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

// "812 B", "12.3 KiB", "1.2 MiB", "3.0 GiB".
std::string format_bytes(std::uint64_t bytes);

// The upload progress bar on stderr, only when it is a terminal (`enabled`):
//   "Uploading big.ics [##########..........]  1.2 MiB of 2.4 MiB  50%"
// redrawn in place with '\r' after each piece, or, with no known size (a
// pipe), "Uploading - 1.2 MiB". finish() ends the line with '\n'. When not
// enabled nothing is ever written.
class UploadProgress {
public:
  UploadProgress(std::ostream &err, std::string name, std::optional<std::uint64_t> total,
                 bool enabled);
  UploadProgress(const UploadProgress &) = delete;
  UploadProgress &operator=(const UploadProgress &) = delete;

  void update(std::uint64_t sent);
  void finish();

  // The line update() draws, without the '\r' and padding.
  static std::string line(std::string_view name, std::uint64_t sent,
                          std::optional<std::uint64_t> total);

private:
  std::ostream &m_err;
  std::string m_name;
  std::optional<std::uint64_t> m_total;
  bool m_enabled;
  std::size_t m_drawn = 0; // columns of the last line drawn; 0: none yet
};

} // namespace summit::cli
