// libFuzzer over what untrusted bytes reach at the HTTP edge. The first
// byte of an input picks the target (modulo their number, so every input
// means something); the rest is that target's input. Each target checks
// what must hold for any input, not only that nothing crashes: a broken
// rule aborts, and libFuzzer saves the input that did it.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/sec.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <nlohmann/json.hpp>

#include "actors/errors.hpp"
#include "http/head_lines.hpp"
#include "http/exchange.hpp"
#include "http/json_codec.hpp"
#include "http/message.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"
#include "http/router.hpp"
#include "support/time.hpp"
#include "support/uuid.hpp"

namespace {

using namespace concert;
using namespace concert::http;
using nlohmann::json;

void require(bool holds, const char* rule) {
  if (!holds) {
    std::fprintf(stderr, "fuzz_edge: broken: %s\n", rule);
    std::abort();
  }
}

/// What a decoder accepts is stored in PostgreSQL and echoed in JSON: it
/// must be UTF-8 without NUL, so a strict dump of it cannot throw.
void require_clean_text(const std::string& text) {
  require(text.find('\0') == std::string::npos, "a decoded string holds NUL");
  try {
    (void)json(text).dump();
  } catch (const json::type_error&) {
    require(false, "a decoded string is not UTF-8");
  }
}

/// Every problem reaches the client as JSON that says what it says, even
/// when its detail quotes bytes that are not UTF-8.
void require_problem(const problem& p) {
  auto body = json::parse(problem_body(p), nullptr, false);
  require(body.is_object(), "a problem body is not a JSON object");
  require(body.value("status", 0) == p.status, "a problem body has another status");
  require(body.value("code", std::string{}) == p.code, "a problem body has another code");
  require(body.contains("detail") && body["detail"].is_string(), "a problem has no detail");
}

/// What the client is told of an error: a 500 never carries the detail of
/// the error behind it.
problem require_mapped(const caf::error& err) {
  auto p = problem_for(err);
  require(p.status >= 400 && p.status <= 599, "a problem with a status outside 4xx and 5xx");
  require(p.status != 500 || p.detail == "an internal error occurred",
          "a 500 tells the client its detail");
  require_problem(p);
  return p;
}

/// A refusal of untrusted input is the client's fault: a 4xx.
void require_refusal(const caf::error& err) {
  auto p = require_mapped(err);
  require(p.status >= 400 && p.status < 500, "a refusal is not a 4xx");
}

template <class T, class Check>
void require_decoded(const caf::expected<T>& result, Check check) {
  if (result)
    check(*result);
  else
    require_refusal(result.error());
}

/// RFC 8259 allows a control character nowhere but as whitespace (tab, LF,
/// CR) between tokens; a body holding another was not wholly read as JSON.
bool only_json_bytes(const std::string& body) {
  return std::none_of(body.begin(), body.end(), [](unsigned char c) {
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
}

/// A body is accepted only when all of it is JSON (empty means `{}`).
template <class T, class Check>
void require_body(const std::string& body, const caf::expected<T>& result, Check check) {
  require(!result || body.empty() || (only_json_bytes(body) && json::accept(body)),
          "a body that is not wholly JSON was accepted");
  require_decoded(result, check);
}

void new_user_body(const std::string& in) {
  require_body(in, decode_new_user(in),
               [](const new_user& user) { require_clean_text(user.name); });
}

void concert_body(const std::string& in) {
  require_body(in, decode_concert(in), [](const concert_info& info) {
    require(is_calendar_date(info.date), "a concert without a calendar date");
    require(!info.title.empty(), "a concert without a title");
    require_clean_text(info.title);
    require(info.total_seats >= 1 && info.total_seats <= 10000, "seats out of range");
    require(info.price >= 0 && info.price <= 1000000000, "price out of range");
  });
}

void charge_body(const std::string& in) {
  require_body(in, decode_charge(in), [](const charge_request& charge) {
    require(charge.user_id >= 1, "a charge for a user id below 1");
    require(charge.amount >= 1 && charge.amount <= 1000000000, "a charge out of range");
  });
}

void user_ref_body(const std::string& in) {
  require_body(in, decode_user_ref(in),
               [](int64_t user) { require(user >= 1, "a user id below 1"); });
}

void hold_body(const std::string& in) {
  require_body(in, decode_hold(in), [](const hold_request& hold) {
    require(is_calendar_date(hold.date), "a hold without a calendar date");
    require(hold.seat >= 1, "a hold of a seat below 1");
  });
}

void queue_change_body(const std::string& in) {
  require_body(in, decode_queue_change(in), [](const queue_change& change) {
    require(change.paused >= -1 && change.paused <= 1, "paused is not -1, 0 or 1");
    require(change.batch_size == 0 || (change.batch_size >= 1 && change.batch_size <= 100000),
            "batchSize out of range");
    require(change.interval_ms == 0
              || (change.interval_ms >= 10 && change.interval_ms <= 3600000),
            "intervalMs out of range");
    require(change.paused != -1 || change.batch_size != 0 || change.interval_ms != 0,
            "a queue change that changes nothing");
  });
}

void payment_body(const std::string& in) {
  require_body(in, decode_payment(in), [](const std::vector<int64_t>& ids) {
    require(!ids.empty() && ids.size() <= 100, "a payment of 0 or over 100 reservations");
    for (size_t i = 0; i < ids.size(); ++i) {
      require(ids[i] >= 1, "a reservation id below 1");
      for (size_t j = 0; j < i; ++j)
        require(ids[i] != ids[j], "a reservation paid twice in one payment");
    }
  });
}

void date_segment(const std::string& in) {
  require_decoded(decode_date(in), [&](const std::string& date) {
    require(date == in && is_calendar_date(date), "a date that is not the calendar date given");
  });
}

void id_segment(const std::string& in) {
  require_decoded(decode_id(in, "id"), [](int64_t id) { require(id >= 1, "an id below 1"); });
}

/// One byte picks the error (or status), the rest is the detail.
void problems(const std::string& in) {
  if (in.empty())
    return;
  auto code = static_cast<uint8_t>(in[0]);
  auto detail = in.substr(1);
  require_mapped(make_error(static_cast<ec>(code), detail));
  require_mapped(caf::make_error(static_cast<caf::sec>(code)));
  require_problem(problem_for_status(400 + code % 200));
  require_problem(problem{400 + code % 200, "FUZZ", detail});
}

/// The routes of the public and the admin port as http/public_routes.cpp,
/// booking_routes.cpp, health.cpp and admin_routes.cpp add them, with
/// handlers that only note that they ran: no actor is needed.
struct route_spec {
  const char* method;
  const char* pattern;
};

constexpr route_spec public_route_specs[] = {
  {"GET", "/healthz"},
  {"POST", "/api/users"},
  {"POST", "/api/users/balance"},
  {"GET", "/api/users/balance"},
  {"GET", "/api/payments"},
  {"POST", "/api/queue_tokens"},
  {"GET", "/api/queue_tokens/([^/]+)"},
  {"GET", "/openapi.yaml"},
  {"GET", "/api/concerts/available_dates"},
  {"GET", "/api/concerts/([^/]+)/seats"},
  {"POST", "/api/reservations"},
  {"GET", "/api/reservations/([^/]+)"},
  {"DELETE", "/api/reservations/([^/]+)"},
  {"POST", "/api/payments"},
};

constexpr route_spec admin_route_specs[] = {
  {"GET", "/healthz"},
  {"GET", "/readyz"},
  {"POST", "/admin/concerts"},
  {"GET", "/metrics"},
  {"GET", "/admin/queue"},
  {"POST", "/admin/queue"},
  {"DELETE", "/admin/queue_tokens/([^/]+)"},
  {"POST", "/admin/users/([^/]+)/key"},
};

struct handled {
  std::string method;
  size_t params = 0;
  size_t groups = 0;
};

std::optional<handled> last_handled;

template <size_t N>
router recording_router(const route_spec (&specs)[N]) {
  router routes;
  for (const auto& spec : specs) {
    std::string_view pattern{spec.pattern};
    auto groups = static_cast<size_t>(std::count(pattern.begin(), pattern.end(), '('));
    routes.add(spec.method, spec.pattern,
               [method = std::string{spec.method}, groups](const exchange_ptr& x,
                                                           const router::params& params) {
                 last_handled = handled{method, params.size(), groups};
                 x->finish();
               });
  }
  return routes;
}

void require_routed(const router& routes, const request& req) {
  // Never destroyed: CAF 0.17 cannot stop a system during static
  // destruction, and no route here asks an actor.
  static auto* system = new caf::actor_system{*new caf::actor_system_config};
  static auto* asking = new askers{*system, 1};
  last_handled.reset();
  response res;
  res.status = 0;
  auto x = std::make_shared<exchange>(*asking, req, [&](exchange_ptr done) { res = done->res(); });
  routes.dispatch(x);
  require(res.status != 0, "a request was left unanswered");
  if (last_handled) {
    auto method = req.method == "HEAD" ? std::string{"GET"} : req.method;
    require(last_handled->method == method, "a handler ran for another method");
    require(last_handled->params == last_handled->groups, "a handler got the wrong params");
    return;
  }
  require(res.status == 404 || res.status == 405, "an unrouted request is not 404 or 405");
  require(res.header("Content-Type") == "application/problem+json",
          "an unrouted request's answer is not problem+json");
  require(res.status == 404 || !res.header("Allow").empty(), "a 405 without Allow");
  auto body = json::parse(res.body, nullptr, false);
  require(body.is_object() && body.value("status", 0) == res.status,
          "an unrouted request's problem does not parse");
}

/// `METHOD TARGET`, the target split and decoded as the edge does.
void route(const std::string& in) {
  static const auto public_routes = recording_router(public_route_specs);
  static const auto admin_routes = recording_router(admin_route_specs);
  auto space = in.find(' ');
  request req;
  req.method = space == std::string::npos ? "GET" : in.substr(0, space);
  auto target = space == std::string::npos ? in : in.substr(space + 1);
  if (!split_target(target, req.path, req.query))
    return;
  require_routed(public_routes, req);
  require_routed(admin_routes, req);
}

/// Header lines split at '\n', each field at its first ':'.
void request_head(const std::string& in) {
  head_check head;
  caf::error first_refusal;
  size_t lines = 0;
  size_t bytes = 0;
  for (size_t start = 0; start <= in.size();) {
    auto end = std::min(in.find('\n', start), in.size());
    std::string_view line{in.data() + start, end - start};
    auto colon = std::min(line.find(':'), line.size());
    auto name = line.substr(0, colon);
    auto value = line.substr(std::min(colon + 1, line.size()));
    ++lines;
    bytes += name.size() + value.size() + 4;
    auto bare = trimmed(value);
    require(bare.empty() || (bare.front() != ' ' && bare.front() != '\t' && bare.back() != ' '
                             && bare.back() != '\t'),
            "a trimmed value keeps a space or tab at an end");
    require(value.find(bare) != std::string_view::npos, "a trimmed value is not part of the value");
    auto refusal = head.add(name, value);
    require(!first_refusal || refusal == first_refusal, "a refusal was forgotten or changed");
    if (!first_refusal)
      first_refusal = refusal;
    start = end + 1;
  }
  require(first_refusal || (lines <= max_header_lines && bytes <= max_header_bytes),
          "too many header lines or bytes were taken");
  auto framing = head.finish();
  if (!framing) {
    require(!first_refusal || framing.error() == first_refusal, "finish forgot a refusal");
    auto p = require_mapped(framing.error());
    require(p.status == 400 || p.status == 413 || p.status == 415 || p.status == 431
              || p.status == 501,
            "a head refusal with an unexpected status");
    return;
  }
  require(!first_refusal, "finish accepted a refused head");
  require(framing->how == body_framing::kind::sized ? framing->length <= max_body_bytes
                                                    : framing->length == 0,
          "a framing with an impossible length");
}

/// A raw head as it arrives off the socket: fed whole, and again in pieces
/// of 1 to 16 bytes (the first byte says how many), the verdict is the same.
void raw_head(const std::string& in) {
  if (in.empty())
    return;
  std::string_view head{in.data() + 1, in.size() - 1};
  size_t piece = static_cast<uint8_t>(in[0]) % 16 + 1;
  head_lines whole;
  whole.feed(head.data(), head.size());
  head_lines pieces;
  for (size_t at = 0; at < head.size(); at += piece)
    pieces.feed(head.data() + at, std::min(piece, head.size() - at));
  require(whole.complete() == pieces.complete(), "the head's end depends on how it arrived");
  require(whole.error() == pieces.error(), "the head's verdict depends on how it arrived");
  if (whole.error()) {
    require(detail_of(whole.error()) == detail_of(pieces.error()),
            "the head's refusal depends on how it arrived");
    auto p = require_mapped(whole.error());
    require(p.status == 400 || p.status == 431, "a raw head refusal that is not 400 or 431");
  }
}

void queue_token(const std::string& in) {
  auto canonical = canonical_uuid(in);
  auto token = decode_token(in, ec::token_invalid);
  require(canonical.has_value() == static_cast<bool>(token),
          "decode_token and canonical_uuid disagree");
  if (!canonical) {
    require_refusal(token.error());
    return;
  }
  require(in.size() == 36 && is_uuid(*canonical), "a canonical UUID is not canonical");
  require(canonical_uuid(*canonical) == canonical, "canonical_uuid is not idempotent");
  require(*token == *canonical, "decode_token and canonical_uuid give other tokens");
  for (size_t i = 0; i < in.size(); ++i)
    require(std::tolower(static_cast<unsigned char>(in[i])) == (*canonical)[i],
            "a canonical UUID is not the one given");
}

/// Saved inputs name their target by its index here: add new ones at the end.
constexpr void (*targets[])(const std::string&) = {
  new_user_body, concert_body, charge_body,  user_ref_body, hold_body,    queue_change_body,
  payment_body,  date_segment, id_segment,   problems,      route,        request_head,
  queue_token,   raw_head,
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  std::string input{reinterpret_cast<const char*>(data) + 1, size - 1};
  targets[data[0] % std::size(targets)](input);
  return 0;
}
