// User keys: their form, their hash, and the hash as the directory keeps it.

#include "support/user_key.hpp"

#include <gtest/gtest.h>

using namespace concert;

TEST(user_key, a_new_key_has_the_form_of_a_key_and_its_hash_is_64_hex_digits) {
  auto key = new_user_key();
  EXPECT_TRUE(is_user_key(key));
  EXPECT_NE(new_user_key(), key);
  auto hash = user_key_hash(key);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(user_key, a_digest_is_the_hash_as_bytes_and_compares_as_the_hash_does) {
  auto key = new_user_key();
  auto digest = key_digest_of(user_key_hash(key));
  ASSERT_TRUE(digest);
  EXPECT_TRUE(same_secret(*digest, *key_digest_of(user_key_hash(key))));
  EXPECT_FALSE(same_secret(*digest, *key_digest_of(user_key_hash(new_user_key()))));
  auto zeros = key_digest_of(std::string(64, '0'));
  ASSERT_TRUE(zeros);
  EXPECT_EQ(*zeros, key_digest{});
  EXPECT_EQ((*key_digest_of("ff" + std::string(62, '0')))[0], 0xff);
}

TEST(user_key, what_is_not_a_hash_has_no_digest) {
  auto hash = user_key_hash(new_user_key());
  EXPECT_FALSE(key_digest_of(""));
  EXPECT_FALSE(key_digest_of(hash.substr(1)));
  EXPECT_FALSE(key_digest_of(hash + "0"));
  EXPECT_FALSE(key_digest_of(std::string(64, 'A'))) << "upper case is not how hashes are written";
  EXPECT_FALSE(key_digest_of(std::string(63, '0') + "g"));
}
