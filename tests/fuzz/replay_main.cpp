// A main() for the fuzz targets without libFuzzer: runs
// LLVMFuzzerTestOneInput once over every file named on the command line or
// found (not recursively) in a directory named there. The gcc debug-asan
// build links each target with it, so the seed corpus and every crash input
// kept in tests/fuzz/regressions/ stay regression tests that need no clang.
//
// Hidden files (.gitkeep) are skipped. Fails when an argument does not exist
// or when nothing at all was replayed, so a moved corpus cannot turn the test
// into one that always passes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path &path, std::vector<char> &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool is_hidden(const fs::path &path) {
  const auto name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto &entry : fs::directory_iterator(arg, ec)) {
        if (entry.is_regular_file() && !is_hidden(entry.path())) {
          inputs.push_back(entry.path());
        }
      }
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 2;
    }
    if (ec) {
      std::fprintf(stderr, "%s: %s\n", argv[i], ec.message().c_str());
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "no inputs found: the corpus directories are empty\n");
    return 2;
  }
  // A fixed order, so that a failure names the same file on every run.
  std::sort(inputs.begin(), inputs.end());

  std::vector<char> data;
  for (const auto &path : inputs) {
    if (!read_file(path, data)) {
      std::fprintf(stderr, "%s: cannot read\n", path.c_str());
      return 2;
    }
    // Printed before the run: if the input crashes, this is the last line.
    std::fprintf(stderr, "replay %s (%zu bytes)\n", path.c_str(), data.size());
    // A copy of exactly `size` bytes, as libFuzzer passes, so ASan sees any
    // read past the end.
    std::vector<std::uint8_t> exact(data.begin(), data.end());
    LLVMFuzzerTestOneInput(exact.data(), exact.size());
  }
  std::fprintf(stderr, "replayed %zu inputs, no failure\n", inputs.size());
  return 0;
}
