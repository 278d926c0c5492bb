// scratch_directory.h: ScratchDirectory, a fresh directory under TMPDIR for one test, removed
// with its contents when the test ends. Every test that needs files on disk uses it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "core/bytes.h"
#include "core/file.h"

namespace ensign::test {

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ensign-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    root_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  // root returns the directory itself.
  const std::string& root() const { return root_string_ = root_.string(); }

  // path returns the path of `name` inside the directory.
  std::string path(const std::string& name) const { return (root_ / name).string(); }

  // write puts `contents` in the file `name` (mode 0600) and returns its path; throws on failure.
  std::string write(const std::string& name, ByteView contents) const {
    std::string file = path(name);
    if (auto written = write_file_atomic(file, contents, 0600); !written) {
      throw std::runtime_error(written.error().message());
    }
    return file;
  }

 private:
  std::filesystem::path root_;
  mutable std::string root_string_;
};

}  // namespace ensign::test
