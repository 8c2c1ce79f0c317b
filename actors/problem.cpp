#include "actors/problem.hpp"

#include <nlohmann/json.hpp>

#include <caf/sec.hpp>

#include "actors/errors.hpp"

namespace concert {

namespace {

problem domain_problem(ec code, std::string detail) {
  auto with = [&](int status, const char* api_code, const char* fallback) {
    return problem{status, api_code, detail.empty() ? fallback : std::move(detail)};
  };
  switch (code) {
    case ec::invalid_request:
      return with(400, "INVALID_REQUEST", "the request is not valid");
    case ec::not_found:
      return with(404, "NOT_FOUND", "no such route");
    case ec::method_not_allowed:
      return with(405, "METHOD_NOT_ALLOWED", "the route does not take this method");
    case ec::payload_too_large:
      return with(413, "PAYLOAD_TOO_LARGE", "the body is larger than 64 KiB");
    case ec::unauthorized:
      return with(401, "UNAUTHORIZED", "a valid bearer token is required");
    case ec::rate_limited:
      return with(429, "RATE_LIMITED", "too many requests from this address; retry later");
    case ec::date_exists:
      return with(409, "DATE_EXISTS", "a concert on that date exists already");
    case ec::invalid_amount:
      return with(400, "INVALID_AMOUNT", "the amount is not a valid charge");
    case ec::user_not_found:
      return with(404, "USER_NOT_FOUND", "no such user");
    case ec::date_not_found:
      return with(404, "DATE_NOT_FOUND", "no concert on that date");
    case ec::seat_not_found:
      return with(404, "SEAT_NOT_FOUND", "no such seat");
    case ec::seat_unavailable:
      return with(409, "SEAT_UNAVAILABLE", "the seat is held or sold");
    case ec::hold_limit:
      return with(429, "HOLD_LIMIT", "the user holds as many seats as allowed");
    case ec::reservation_not_found:
      return with(404, "RESERVATION_NOT_FOUND", "no such reservation");
    case ec::reservation_not_held:
      return with(409, "RESERVATION_NOT_HELD", "the reservation is not held");
    case ec::hold_expired:
      return with(410, "HOLD_EXPIRED", "the hold lapsed before it was paid");
    case ec::insufficient_balance:
      return with(402, "INSUFFICIENT_BALANCE", "the balance does not cover the payment");
    case ec::token_invalid:
      return with(401, "TOKEN_INVALID", "a valid queue token is required");
    case ec::not_admitted:
      return with(403, "NOT_ADMITTED", "the queue token is still waiting in line");
    case ec::token_already_issued:
      return with(409, "TOKEN_ALREADY_ISSUED", "the user holds a live queue token already");
    case ec::token_not_found:
      return with(404, "TOKEN_NOT_FOUND", "no such queue token");
    case ec::idempotency_key_reused:
      return with(422, "IDEMPOTENCY_KEY_REUSED",
                  "the Idempotency-Key was used with another request body");
    case ec::idempotency_conflict:
      return with(409, "IDEMPOTENCY_KEY_IN_USE",
                  "a request with the same Idempotency-Key is in progress");
    case ec::database_unavailable:
      return with(503, "SERVICE_UNAVAILABLE", "the database is unavailable");
    case ec::not_ready:
      return with(503, "NOT_READY", "the server is still recovering its state");
    case ec::streams_full:
      return with(503, "TOO_MANY_STREAMS", "as many event streams are open as allowed");
    case ec::headers_too_large:
      return with(431, "HEADERS_TOO_LARGE", "the request headers are too large");
    case ec::unsupported_media_type:
      return with(415, "UNSUPPORTED_MEDIA_TYPE", "the request body's encoding is not supported");
    case ec::not_implemented:
      return with(501, "NOT_IMPLEMENTED", "the server does not support this request");
    case ec::user_key_invalid:
      return with(401, "USER_KEY_INVALID", "a valid user key is required as a bearer token");
    case ec::forbidden:
      return with(403, "FORBIDDEN", "the user key is not the named user's");
    case ec::request_too_slow:
      return with(408, "REQUEST_TIMEOUT", "the request did not arrive in time");
    case ec::internal:
    case ec::none:
      break;
  }
  return {500, "INTERNAL", "an internal error occurred"};
}

} // namespace

problem problem_for(const caf::error& err) {
  // CAF 0.17's category() reads through a null pointer on an empty error.
  if (!err)
    return domain_problem(ec::internal, {});
  if (err.category() == ec_category)
    return domain_problem(static_cast<ec>(err.code()), detail_of(err));
  if (err.category() == caf::atom("system")
      && static_cast<caf::sec>(err.code()) == caf::sec::request_timeout)
    return {503, "TIMEOUT", "the server did not answer in time"};
  return {500, "INTERNAL", "an internal error occurred"};
}

problem problem_for_status(int status) {
  switch (status) {
    case 400:
      return domain_problem(ec::invalid_request, "the request could not be read");
    case 404:
      return domain_problem(ec::not_found, {});
    case 413:
      return domain_problem(ec::payload_too_large, {});
    case 408:
      return domain_problem(ec::request_too_slow, {});
    case 414:
      return {414, "URI_TOO_LONG", "the request target is too long"};
    case 431:
      return domain_problem(ec::headers_too_large, {});
    case 503:
      return {503, "SERVICE_UNAVAILABLE", "the server is overloaded"};
    default:
      return {status, status >= 500 ? "INTERNAL" : "INVALID_REQUEST", reason_phrase(status)};
  }
}

std::string problem_body(const problem& p) {
  // A detail may quote the request (a path, a header), which need not be
  // UTF-8; the client gets U+FFFD in its place rather than an exception.
  return nlohmann::json{
    {"type", "about:blank"}, {"title", reason_phrase(p.status)}, {"status", p.status},
    {"detail", p.detail},    {"code", p.code},
  }.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

} // namespace concert
