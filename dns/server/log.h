#pragma once
// One line per event to stderr, prefixed "clusterdns: ". printf-style so a call site
// needs no allocation and no stream state; a single fprintf keeps lines whole when
// several threads log at once (stdio locks the stream per call).

namespace clusterdns::dns {

// The formats are checked by the compiler like printf's.
void log_info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace clusterdns::dns
