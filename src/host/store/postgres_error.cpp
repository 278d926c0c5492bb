#include "host/store/internal/postgres_error.h"

#include <exception>
#include <new>
#include <pqxx/except>
#include <string>

namespace ensign::host::store::internal {
namespace {

// first_line returns the primary message of libpq's text: its first line, without the severity
// prefix ("ERROR:  ", "FATAL:  ") the server puts before it.
std::string first_line(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  for (std::string_view severity : {"ERROR:  ", "FATAL:  "}) {
    if (text.substr(0, severity.size()) == severity) {
      text.remove_prefix(severity.size());
    }
  }
  return std::string(text);
}

// one_line joins the lines of a libpq connection message, which carry no row values, into one.
std::string one_line(std::string_view text) {
  std::string line;
  bool space = false;
  for (char character : text) {
    if (character == '\n' || character == '\t' || character == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) {
      line += ' ';
      space = false;
    }
    line += character;
  }
  return line;
}

Error make_error(ErrorCode code,
                 std::string_view path,
                 std::string_view what,
                 const std::string& detail) {
  std::string message(path);
  message.append(": ").append(what).append(": ").append(detail);
  return {code, std::move(message)};
}

}  // namespace

ErrorCode postgres_error_code(std::string_view sqlstate) {
  if (sqlstate == "23505") {
    return ErrorCode::kAlreadyExists;
  }
  if (sqlstate == "23503") {
    return ErrorCode::kFailedPrecondition;
  }
  if (sqlstate == "53300" || sqlstate == "55P03" || sqlstate == "57014" || sqlstate == "40001" ||
      sqlstate == "40P01") {
    return ErrorCode::kUnavailable;  // too many connections, lock timeout, cancel, conflicts
  }
  if (sqlstate == "42501" || sqlstate == "25006") {
    return ErrorCode::kPermissionDenied;
  }
  if (sqlstate == "54000") {
    return ErrorCode::kResourceExhausted;
  }
  std::string_view error_class = sqlstate.substr(0, 2);
  if (error_class == "23" || error_class == "22") {
    return ErrorCode::kInvalidArgument;
  }
  if (error_class == "08" || error_class == "28" || error_class == "57") {
    return ErrorCode::kUnavailable;
  }
  if (error_class == "53") {
    return ErrorCode::kResourceExhausted;
  }
  if (error_class == "XX" && sqlstate != "XX000") {
    return ErrorCode::kDataLoss;  // data_corrupted, index_corrupted
  }
  return ErrorCode::kInternal;
}

Error current_postgres_error(std::string_view path, std::string_view what) {
  try {
    throw;
  } catch (const pqxx::sql_error& error) {
    const std::string& sqlstate = error.sqlstate();
    return make_error(postgres_error_code(sqlstate),
                      path,
                      what,
                      first_line(error.what()) + " (SQLSTATE " + sqlstate + ")");
  } catch (const pqxx::broken_connection& error) {
    return make_error(ErrorCode::kUnavailable, path, what, one_line(error.what()));
  } catch (const pqxx::in_doubt_error& error) {
    return make_error(ErrorCode::kUnavailable,
                      path,
                      what,
                      "the connection was lost during commit, which may or may not have "
                      "happened: " +
                          one_line(error.what()));
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, path, what, "out of memory");
  } catch (const std::exception& error) {
    return make_error(ErrorCode::kInternal, path, what, one_line(error.what()));
  } catch (...) {
    return make_error(ErrorCode::kInternal, path, what, "unknown exception");
  }
}

}  // namespace ensign::host::store::internal
