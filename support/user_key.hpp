#pragma once

#include <array>
#include <optional>
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

/// A key's SHA-256 as its 32 bytes: half the size of its hex, with no
/// allocation of its own, for a hash kept in memory per user.
using key_digest = std::array<unsigned char, 32>;

/// The digest whose hex `hash` is (as user_key_hash writes it); nothing
/// when `hash` is not one.
std::optional<key_digest> key_digest_of(std::string_view hash);

bool same_secret(const key_digest& given, const key_digest& expected);

} // namespace concert
