#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

/// The data that travels between actors. Each type has an `inspect` so that
/// CAF can serialize it for remote actors. Times are milliseconds since the
/// Unix epoch (wall clock); 0 means none.
namespace concert {

/// A client's Idempotency-Key, stored with the answer in the same
/// transaction as the write it guards; an empty key means none was given.
struct idempotency_claim {
  std::string scope;
  int64_t user_id = 0;
  std::string key;
  /// The request body in canonical form, to tell a repeat from a reuse.
  std::string request;
};

/// A user to create; an empty name means none was given. `key_hash` is
/// the SHA-256 of the user's key (support/user_key.hpp).
struct new_user {
  std::string name;
  std::string key_hash;
};

/// A user's balance as the API shows it.
struct user_record {
  int64_t user_id = 0;
  int64_t balance = 0;
};

/// A user just created, with the key shown this once.
struct created_user {
  user_record user;
  std::string user_key;
};

/// A user's new key, shown this once.
struct user_credentials {
  int64_t user_id = 0;
  std::string user_key;
};

/// A concert date and what it sells: seats 1..total_seats at one price.
struct concert_info {
  std::string date;
  std::string title;
  int32_t total_seats = 0;
  int64_t price = 0;
};

/// A queue token as the API shows it.
struct token_view {
  std::string token;
  int64_t user_id = 0;
  std::string status;
  int64_t position = 0;
  int64_t expires_at = 0;
};

/// The queue as operators see it.
struct queue_status {
  int64_t waiting = 0;
  int64_t active = 0;
  int64_t admitted_total = 0;
  bool paused = false;
  int64_t batch_size = 0;
  int64_t interval_ms = 0;
};

/// Queue controls as stored by an operator's last change.
struct stored_controls {
  bool found = false;
  bool paused = false;
  int64_t batch_size = 0;
  int64_t interval_ms = 0;
};

/// A change to the queue's controls; 0 (or -1 for `paused`) leaves a field as it is.
struct queue_change {
  int8_t paused = -1;
  int64_t batch_size = 0;
  int64_t interval_ms = 0;
};

/// A reservation as the API shows it.
struct reservation_view {
  int64_t reservation_id = 0;
  int64_t user_id = 0;
  std::string date;
  int32_t seat = 0;
  int64_t price = 0;
  std::string status;
  int64_t expires_at = 0;
};

struct seat_view {
  int32_t seat = 0;
  std::string status;
  int64_t price = 0;
};

/// Every seat of one date, ascending.
struct seat_list {
  std::string date;
  std::string title;
  std::vector<seat_view> seats;
};

/// One line of available_dates.
struct date_summary {
  std::string date;
  std::string title;
  int32_t total_seats = 0;
  int32_t available_seats = 0;
};

/// A reservation as a payment lists it.
struct paid_item {
  int64_t reservation_id = 0;
  std::string date;
  int32_t seat = 0;
  int64_t price = 0;
};

/// A payment as the API shows it.
struct payment_view {
  int64_t payment_id = 0;
  int64_t user_id = 0;
  int64_t amount = 0;
  int64_t balance = 0;
  int64_t paid_at = 0;
  std::vector<paid_item> reservations;
};

/// What the store writes for a payment, in one transaction.
struct payment_order {
  int64_t user_id = 0;
  std::string token;
  int64_t amount = 0;
  int64_t paid_at = 0;
  std::vector<paid_item> items;
  idempotency_claim claim;
};

/// A token the queue has admitted, for the store.
struct admission {
  std::string token;
  int64_t expires_at = 0;
};

/// A WAITING or ACTIVE token as stored, in line order.
struct token_row {
  std::string token;
  int64_t user_id = 0;
  std::string status;
  int64_t expires_at = 0;
};

/// A hold to insert.
struct new_hold {
  int64_t user_id = 0;
  std::string date;
  int32_t seat = 0;
  int64_t price = 0;
  int64_t expires_at = 0;
  idempotency_claim claim;
};

/// A charge to write.
struct new_charge {
  int64_t user_id = 0;
  int64_t amount = 0;
  idempotency_claim claim;
};

/// An answer stored under an Idempotency-Key.
struct stored_answer {
  bool found = false;
  std::string request;
  int32_t status = 0;
  std::string body;
};

/// What a write that may carry an Idempotency-Key answers: the view it
/// made, or, when `stored.found`, the answer stored under the key before
/// (an earlier request's, for the edge to replay, or to refuse as 422 when
/// its body was another).
template <class View>
struct keyed {
  stored_answer stored;
  View made;
};

/// A reservation leaving HELD other than by payment (EXPIRED or CANCELLED).
struct hold_release {
  int64_t reservation_id = 0;
  std::string status;
  /// The reservation's date, which names the writer that keeps its order.
  std::string date;
};

/// What a wallet loads at start: the balance and every reservation of the
/// user, so it knows which ids are its own and which holds count.
struct wallet_row {
  int64_t balance = 0;
  /// Empty for a user who has no key yet.
  std::string key_hash;
  std::vector<reservation_view> reservations;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idempotency_claim& x) {
  return f(caf::meta::type_name("idempotency_claim"), x.scope, x.user_id, x.key, x.request);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, new_charge& x) {
  return f(caf::meta::type_name("new_charge"), x.user_id, x.amount, x.claim);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_answer& x) {
  return f(caf::meta::type_name("stored_answer"), x.found, x.request, x.status, x.body);
}

template <class Inspector, class View>
typename Inspector::result_type inspect(Inspector& f, keyed<View>& x) {
  return f(caf::meta::type_name("keyed"), x.stored, x.made);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, new_user& x) {
  return f(caf::meta::type_name("new_user"), x.name, x.key_hash);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, created_user& x) {
  return f(caf::meta::type_name("created_user"), x.user, x.user_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_credentials& x) {
  return f(caf::meta::type_name("user_credentials"), x.user_id, x.user_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_record& x) {
  return f(caf::meta::type_name("user_record"), x.user_id, x.balance);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, concert_info& x) {
  return f(caf::meta::type_name("concert_info"), x.date, x.title, x.total_seats, x.price);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_view& x) {
  return f(caf::meta::type_name("token_view"), x.token, x.user_id, x.status, x.position,
           x.expires_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_status& x) {
  return f(caf::meta::type_name("queue_status"), x.waiting, x.active, x.admitted_total, x.paused,
           x.batch_size, x.interval_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_controls& x) {
  return f(caf::meta::type_name("stored_controls"), x.found, x.paused, x.batch_size,
           x.interval_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_change& x) {
  return f(caf::meta::type_name("queue_change"), x.paused, x.batch_size, x.interval_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reservation_view& x) {
  return f(caf::meta::type_name("reservation_view"), x.reservation_id, x.user_id, x.date, x.seat,
           x.price, x.status, x.expires_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seat_view& x) {
  return f(caf::meta::type_name("seat_view"), x.seat, x.status, x.price);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seat_list& x) {
  return f(caf::meta::type_name("seat_list"), x.date, x.title, x.seats);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, date_summary& x) {
  return f(caf::meta::type_name("date_summary"), x.date, x.title, x.total_seats,
           x.available_seats);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paid_item& x) {
  return f(caf::meta::type_name("paid_item"), x.reservation_id, x.date, x.seat, x.price);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_view& x) {
  return f(caf::meta::type_name("payment_view"), x.payment_id, x.user_id, x.amount, x.balance,
           x.paid_at, x.reservations);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_order& x) {
  return f(caf::meta::type_name("payment_order"), x.user_id, x.token, x.amount, x.paid_at,
           x.items, x.claim);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, admission& x) {
  return f(caf::meta::type_name("admission"), x.token, x.expires_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_row& x) {
  return f(caf::meta::type_name("token_row"), x.token, x.user_id, x.status, x.expires_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, new_hold& x) {
  return f(caf::meta::type_name("new_hold"), x.user_id, x.date, x.seat, x.price, x.expires_at,
           x.claim);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hold_release& x) {
  return f(caf::meta::type_name("hold_release"), x.reservation_id, x.status, x.date);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_row& x) {
  return f(caf::meta::type_name("wallet_row"), x.balance, x.key_hash, x.reservations);
}

} // namespace concert
