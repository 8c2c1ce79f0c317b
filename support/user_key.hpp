#pragma once

#include <string>
#include <string_view>

/// The secret a user acts with. The key is 256 bits from the kernel's
/// CSPRNG, shown to its user once; the server keeps only its SHA-256.
namespace concert {

/// A new key: 32 random bytes as unpadded base64url (43 characters).
std::string new_user_key();

/// Whether `text` has the form of a key, so that junk costs no lookup.
bool is_user_key(std::string_view text);

/// The SHA-256 of a key as 64 lower-case hex digits: what is stored and
/// compared. A key is random and long, so a fast hash is enough; a slow one
/// guards guessable secrets like passwords, which a key is not.
std::string user_key_hash(std::string_view key);

/// Whether two secrets are equal, in time that depends on their length
/// only, not on where they first differ.
bool same_secret(std::string_view given, std::string_view expected);

} // namespace concert
