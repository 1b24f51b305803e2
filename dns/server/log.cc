#include "dns/server/log.h"

#include <cstdarg>
#include <cstdio>

namespace clusterdns::dns {
namespace {

// Formats into a stack buffer first so the line reaches stderr in one write.
void log_line(const char* level, const char* format, va_list args) {
  char message[1024];
  std::vsnprintf(message, sizeof message, format, args);
  std::fprintf(stderr, "clusterdns: %s%s\n", level, message);
}

}  // namespace

void log_info(const char* format, ...) {
  va_list args;
  va_start(args, format);
  log_line("", format, args);
  va_end(args);
}

void log_warning(const char* format, ...) {
  va_list args;
  va_start(args, format);
  log_line("warning: ", format, args);
  va_end(args);
}

void log_error(const char* format, ...) {
  va_list args;
  va_start(args, format);
  log_line("error: ", format, args);
  va_end(args);
}

}  // namespace clusterdns::dns
