#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <httplib.h>

#include "tests/support/http_reply.hpp"
#include "tests/support/server_process.hpp"

namespace concert::testing {

/// Settings for a server whose queue admits within milliseconds.
launch fast_queue(std::map<std::string, std::string> more = {});

/// The steps of the booking flow that tests repeat, each checked.
class booking {
public:
  explicit booking(const server_process& server);

  /// A new user, whose key is kept for the calls below.
  int64_t new_user();

  /// The key `user` was given when created here.
  const std::string& key_of(int64_t user) const;

  /// Sends as `user`, with `Authorization: Bearer <key>` and `headers`.
  reply as_user(int64_t user, const std::string& method, const std::string& path,
                const std::string& body = {}, httplib::Headers headers = {});

  void charge(int64_t user, int64_t amount);
  void new_concert(const std::string& date, int seats, int64_t price);

  /// A new token of `user`, as issued.
  std::string issue_token(int64_t user);

  /// A token of `user`, waited for until ACTIVE.
  std::string admitted_token(int64_t user);

  /// Sends with `X-Queue-Token`.
  reply as(const std::string& token, const std::string& method, const std::string& path,
           const std::string& body = {});

  /// A held reservation's id; fails the test otherwise.
  int64_t hold(const std::string& token, const std::string& date, int seat);

  httplib::Client client;
  httplib::Client admin;

private:
  std::map<int64_t, std::string> keys_;
};

} // namespace concert::testing
