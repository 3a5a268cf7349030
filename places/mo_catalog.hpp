#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace summit::places {

// A gettext message catalogue (.mo) read as it is: magic 0x950412de in
// either byte order, the number of strings N, and two tables of N (length,
// offset) pairs, one for the originals and one for the translations (GNU
// gettext manual, "The Format of GNU MO Files"). An original with a context
// is "context\x04text"; plural forms are separated by '\0', and only the
// first of each is used. The hash table is not read.
class MoCatalog {
public:
  // Fails with a message naming what is wrong when `bytes` is not a
  // catalogue or a table points outside it; never reads past `bytes`.
  static core::Result<MoCatalog> parse(std::string bytes);
  // The catalogue in the file at `path`; fails when it cannot be read.
  static core::Result<MoCatalog> load(const std::string &path);

  std::uint32_t size() const { return m_count; }

  // Calls `visit(context, original, translation)` for every translated
  // string but the header (the empty original); context is empty when the
  // original has none.
  void for_each(const std::function<void(std::string_view context, std::string_view original,
                                         std::string_view translation)> &visit) const;

  // The translation of `original` in `context` (empty: none), or empty when
  // the catalogue lacks it. Binary search: the originals are sorted.
  std::string_view translate(std::string_view context, std::string_view original) const;

private:
  std::string_view string_at(std::uint32_t table, std::uint32_t index) const;
  std::uint32_t word(std::size_t at) const;

  std::string m_bytes;
  bool m_swapped = false;
  std::uint32_t m_count = 0;
  std::uint32_t m_originals = 0;
  std::uint32_t m_translations = 0;
};

} // namespace summit::places
