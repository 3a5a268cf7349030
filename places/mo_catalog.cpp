#include "places/mo_catalog.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace summit::places {

namespace {

constexpr std::uint32_t k_magic = 0x950412de;
constexpr std::uint32_t k_magic_swapped = 0xde120495;
constexpr std::size_t k_header_size = 28; // magic, revision, N, O, T, hash size, hash offset
constexpr char k_context_separator = '\x04';

std::uint32_t swap_bytes(std::uint32_t v) {
  return ((v & 0xFFU) << 24) | ((v & 0xFF00U) << 8) | ((v >> 8) & 0xFF00U) | (v >> 24);
}

// "one\0many" -> "one".
std::string_view first_form(std::string_view text) { return text.substr(0, text.find('\0')); }

} // namespace

std::uint32_t MoCatalog::word(std::size_t at) const {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(m_bytes[at + i])) << (8 * i);
  }
  return m_swapped ? swap_bytes(v) : v;
}

core::Result<MoCatalog> MoCatalog::parse(std::string bytes) {
  MoCatalog c;
  c.m_bytes = std::move(bytes);
  if (c.m_bytes.size() < k_header_size) {
    return core::fail(core::ErrorCode::invalid_params, "not a message catalogue: too short");
  }
  const std::uint32_t magic = c.word(0);
  if (magic == k_magic_swapped) {
    c.m_swapped = true;
  } else if (magic != k_magic) {
    return core::fail(core::ErrorCode::invalid_params, "not a message catalogue: bad magic");
  }
  c.m_count = c.word(8);
  c.m_originals = c.word(12);
  c.m_translations = c.word(16);
  const auto fits = [&c](std::uint64_t table) {
    return table + std::uint64_t{c.m_count} * 8 <= c.m_bytes.size();
  };
  if (!fits(c.m_originals) || !fits(c.m_translations)) {
    return core::fail(core::ErrorCode::invalid_params,
                      fmt::format("damaged message catalogue: {} strings do not fit in {} bytes",
                                  c.m_count, c.m_bytes.size()));
  }
  for (std::uint32_t i = 0; i < c.m_count; ++i) {
    for (const std::uint32_t table : {c.m_originals, c.m_translations}) {
      const std::uint64_t length = c.word(table + std::size_t{i} * 8);
      const std::uint64_t offset = c.word(table + std::size_t{i} * 8 + 4);
      if (offset + length >= c.m_bytes.size() + 1) {
        return core::fail(core::ErrorCode::invalid_params,
                          fmt::format("damaged message catalogue: string {} lies outside it", i));
      }
    }
  }
  return c;
}

core::Result<MoCatalog> MoCatalog::load(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::fail(core::ErrorCode::not_found, fmt::format("cannot read {}", path));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return parse(std::move(bytes).str());
}

std::string_view MoCatalog::string_at(std::uint32_t table, std::uint32_t index) const {
  const std::uint32_t length = word(table + std::size_t{index} * 8);
  const std::uint32_t offset = word(table + std::size_t{index} * 8 + 4);
  return std::string_view(m_bytes).substr(offset, length);
}

void MoCatalog::for_each(
    const std::function<void(std::string_view, std::string_view, std::string_view)> &visit) const {
  for (std::uint32_t i = 0; i < m_count; ++i) {
    std::string_view original = first_form(string_at(m_originals, i));
    if (original.empty()) {
      continue; // the header
    }
    std::string_view context;
    if (const auto separator = original.find(k_context_separator);
        separator != std::string_view::npos) {
      context = original.substr(0, separator);
      original.remove_prefix(separator + 1);
    }
    visit(context, original, first_form(string_at(m_translations, i)));
  }
}

std::string_view MoCatalog::translate(std::string_view context, std::string_view original) const {
  std::string key;
  if (!context.empty()) {
    key.append(context).push_back(k_context_separator);
  }
  key.append(original);
  std::uint32_t low = 0;
  std::uint32_t high = m_count;
  while (low < high) {
    const std::uint32_t mid = low + (high - low) / 2;
    const auto candidate = first_form(string_at(m_originals, mid));
    if (candidate == key) {
      return first_form(string_at(m_translations, mid));
    }
    if (candidate < key) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return {};
}

} // namespace summit::places
