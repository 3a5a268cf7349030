#pragma once

// Shared by the server_*_test.cpp files: temporary folders.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace summit::test {

// A fresh folder under $TMPDIR (short, so socket paths fit in sun_path),
// removed with everything in it at scope exit.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "summit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace summit::test
