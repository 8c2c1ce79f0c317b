#include "http/problem.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "actors/errors.hpp"
#include "http/respond.hpp"

using namespace concert;
using concert::problem_for;
using concert::problem_for_status;

TEST(problem, domain_errors_map_to_their_status_and_code) {
  struct expectation {
    ec code;
    int status;
    const char* api_code;
  };
  for (auto [code, status, api_code] : std::vector<expectation>{
         {ec::invalid_request, 400, "INVALID_REQUEST"},
         {ec::unauthorized, 401, "UNAUTHORIZED"},
         {ec::not_found, 404, "NOT_FOUND"},
         {ec::method_not_allowed, 405, "METHOD_NOT_ALLOWED"},
         {ec::date_exists, 409, "DATE_EXISTS"},
         {ec::payload_too_large, 413, "PAYLOAD_TOO_LARGE"},
         {ec::database_unavailable, 503, "SERVICE_UNAVAILABLE"},
         {ec::not_ready, 503, "NOT_READY"},
       }) {
    auto p = problem_for(make_error(code));
    EXPECT_EQ(p.status, status) << api_code;
    EXPECT_EQ(p.code, api_code);
    EXPECT_FALSE(p.detail.empty()) << api_code;
  }
}

TEST(problem, the_detail_given_with_the_error_reaches_the_client) {
  auto p = problem_for(make_error(ec::date_exists, "a concert on 2026-12-24 exists already"));
  EXPECT_EQ(p.detail, "a concert on 2026-12-24 exists already");
}

TEST(problem, an_actor_that_does_not_answer_in_time_is_503) {
  auto p = problem_for(caf::make_error(caf::sec::request_timeout));
  EXPECT_EQ(p.status, 503);
  EXPECT_EQ(p.code, "TIMEOUT");
}

TEST(problem, anything_unexpected_is_500_without_internals) {
  auto p = problem_for(caf::make_error(caf::sec::invalid_argument, "pointer 0x1234 is bad"));
  EXPECT_EQ(p.status, 500);
  EXPECT_EQ(p.code, "INTERNAL");
  EXPECT_EQ(p.detail.find("0x1234"), std::string::npos);
}

TEST(problem, statuses_the_library_sets_get_a_problem_too) {
  EXPECT_EQ(problem_for_status(413).code, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(problem_for_status(400).code, "INVALID_REQUEST");
  EXPECT_EQ(problem_for_status(404).code, "NOT_FOUND");
  EXPECT_EQ(problem_for_status(414).status, 414);
}

TEST(problem, the_body_is_rfc_9457_problem_json) {
  concert::http::response res;
  concert::http::send_problem(res, problem_for(make_error(ec::date_exists, "taken")));
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body, (nlohmann::json{{"type", "about:blank"},
                                  {"title", "Conflict"},
                                  {"status", 409},
                                  {"detail", "taken"},
                                  {"code", "DATE_EXISTS"}}));
}

TEST(problem, an_empty_error_is_500_not_a_crash) {
  auto p = problem_for(caf::error{});
  EXPECT_EQ(p.status, 500);
  EXPECT_EQ(p.code, "INTERNAL");
}

TEST(problem, the_edge_rules_have_their_own_statuses) {
  EXPECT_EQ(problem_for(make_error(ec::headers_too_large)).status, 431);
  EXPECT_EQ(problem_for(make_error(ec::unsupported_media_type)).code, "UNSUPPORTED_MEDIA_TYPE");
  EXPECT_EQ(problem_for(make_error(ec::unsupported_media_type)).status, 415);
  EXPECT_EQ(problem_for(make_error(ec::not_implemented)).status, 501);
  EXPECT_EQ(problem_for_status(431).code, "HEADERS_TOO_LARGE");
}

TEST(problem, a_detail_that_is_not_utf8_is_encoded_with_replacement_characters) {
  auto text = concert::problem_body(
    problem_for(make_error(ec::not_found, "no route for /\xFF\xC3\x28")));
  auto body = nlohmann::json::parse(text);
  EXPECT_EQ(body["detail"], "no route for /\xEF\xBF\xBD\xEF\xBF\xBD(");
}

TEST(problem, an_exception_in_a_request_becomes_a_500_problem) {
  concert::http::request req;
  concert::http::response res;
  concert::http::request_context context;
  concert::http::send_failure(req, res, context,
                              std::make_exception_ptr(std::runtime_error{"secret internals"}));
  EXPECT_EQ(res.status, 500);
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["code"], "INTERNAL");
  EXPECT_EQ(res.body.find("secret"), std::string::npos) << "the log keeps the detail";
  concert::http::send_failure(req, res, context, std::make_exception_ptr(42));
  EXPECT_EQ(res.status, 500) << "not even a std::exception";
}

TEST(problem, an_empty_error_has_no_detail_and_no_wait) {
  EXPECT_EQ(detail_of(caf::error{}), "");
  EXPECT_EQ(retry_after_of(caf::error{}), 0);
  EXPECT_EQ(retry_after_of(make_error(ec::rate_limited, "slow down", 7)), 7);
  EXPECT_EQ(detail_of(make_error(ec::rate_limited, "slow down", 7)), "slow down");
}
