#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ensign {
namespace {

Error errno_error(const std::string& path, std::string_view what, int error_number) {
  ErrorCode code = ErrorCode::kUnavailable;
  if (error_number == ENOENT) {
    code = ErrorCode::kNotFound;
  } else if (error_number == EACCES || error_number == EPERM) {
    code = ErrorCode::kPermissionDenied;
  } else if (error_number == EEXIST) {
    code = ErrorCode::kAlreadyExists;
  }
  return Error(code, path + ": " + std::string(what) + ": " + std::strerror(error_number));
}

// FileDescriptor closes its descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status write_all(int fd, ByteView data, const std::string& path) {
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(errno_error(path, "cannot write", errno));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    return fail(errno_error(path, "cannot sync", errno));
  }
  return {};
}

}  // namespace

Result<Bytes> read_file(const std::string& path, std::size_t max_size) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return fail(errno_error(path, "cannot open", errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return fail(errno_error(path, "cannot stat", errno));
  }
  if (S_ISDIR(info.st_mode)) {
    return fail(ErrorCode::kInvalidArgument, path + ": is a directory, not a file");
  }
  Bytes data;
  std::uint8_t buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(errno_error(path, "cannot read", errno));
    }
    if (n == 0) {
      break;
    }
    if (data.size() + static_cast<std::size_t>(n) > max_size) {
      return fail(ErrorCode::kResourceExhausted,
                  path + ": file is larger than the limit of " + std::to_string(max_size) +
                      " bytes");
    }
    data.insert(data.end(), buffer, buffer + n);
  }
  return data;
}

Status write_file_atomic(const std::string& path, ByteView data, mode_t mode) {
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (fd.get() < 0) {
      return fail(errno_error(temporary, "cannot create", errno));
    }
    // The umask may have narrowed the mode; set it exactly.
    if (::fchmod(fd.get(), mode) != 0) {
      ::unlink(temporary.c_str());
      return fail(errno_error(temporary, "cannot set mode", errno));
    }
    auto status = write_all(fd.get(), data, temporary);
    if (!status) {
      ::unlink(temporary.c_str());
      return status;
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    return fail(errno_error(path, "cannot replace", saved));
  }
  return {};
}

Status create_file_exclusive(const std::string& path, ByteView data, mode_t mode) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) {
    return fail(errno_error(path, "cannot create", errno));
  }
  if (::fchmod(fd.get(), mode) != 0) {
    return fail(errno_error(path, "cannot set mode", errno));
  }
  auto status = write_all(fd.get(), data, path);
  if (!status) {
    ::unlink(path.c_str());
  }
  return status;
}

}  // namespace ensign
