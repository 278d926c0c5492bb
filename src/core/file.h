// file.h: bounded reads and atomic, mode-controlled writes of whole files.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace ensign {

// read_file reads the whole file at `path`. Fails with NotFound when it does not exist,
// ResourceExhausted when it is larger than `max_size`, and PermissionDenied/Unavailable on other
// errors; every message names the path.
Result<Bytes> read_file(const std::string& path, std::size_t max_size);

// write_file_atomic writes `data` to a temporary file beside `path` with permissions `mode`,
// fsyncs it and renames it over `path`, so a reader sees the old or the new file, never a mix.
Status write_file_atomic(const std::string& path, ByteView data, mode_t mode);

// create_file_exclusive writes `data` to a new file at `path` with `mode` and fails with
// AlreadyExists when the file is there already (O_CREAT|O_EXCL: safe against a racing creator).
Status create_file_exclusive(const std::string& path, ByteView data, mode_t mode);

}  // namespace ensign
