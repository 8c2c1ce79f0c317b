#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concert {

/// Fills `size` bytes from the kernel's cryptographically secure generator.
void fill_random(uint8_t* bytes, size_t size);

/// A random UUID v4 in lower-case 8-4-4-4-12 form, from the kernel's
/// cryptographically secure generator (getrandom).
std::string random_uuid_v4();

/// True for the canonical form of a UUID: 8-4-4-4-12 lower-case hex.
bool is_uuid(std::string_view text);

/// The canonical form of `text` when it is a UUID in 8-4-4-4-12 hex of
/// either case (RFC 9562 reads UUIDs case-insensitively), else nothing.
std::optional<std::string> canonical_uuid(std::string_view text);

} // namespace concert
