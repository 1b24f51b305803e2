#pragma once
// A freshly parsed file's objects, made to take less memory while they are kept (issue 8):
// equal label sets and namespace names share one copy, and lists give back their spare
// capacity.

#include "registry/loader.h"

namespace clusterdns::registry {

void compact_objects(FileObjects& file);

}  // namespace clusterdns::registry
