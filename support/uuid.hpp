#pragma once

#include <string>
#include <string_view>

namespace concert {

/// A random UUID v4 in lower-case 8-4-4-4-12 form, from the kernel's
/// cryptographically secure generator (getrandom).
std::string random_uuid_v4();

/// True for the 8-4-4-4-12 hex form of a UUID (either case).
bool is_uuid(std::string_view text);

} // namespace concert
