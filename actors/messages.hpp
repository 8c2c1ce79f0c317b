#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

/// The data that travels between actors. Each type has an `inspect` so that
/// CAF can serialize it for remote actors.
namespace concert {

/// A user to create; an empty name means none was given.
struct new_user {
  std::string name;
};

/// A user as the API shows it.
struct user_record {
  int64_t user_id = 0;
  int64_t balance = 0;
};

/// A concert date and what it sells: seats 1..total_seats at one price.
struct concert_info {
  std::string date;
  std::string title;
  int32_t total_seats = 0;
  int64_t price = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, new_user& x) {
  return f(caf::meta::type_name("new_user"), x.name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_record& x) {
  return f(caf::meta::type_name("user_record"), x.user_id, x.balance);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, concert_info& x) {
  return f(caf::meta::type_name("concert_info"), x.date, x.title, x.total_seats, x.price);
}

} // namespace concert
