// Hostile bytes on raw sockets against the real server and PostgreSQL: each
// is answered with the status API.md names, the server serves on, and the
// database holds exactly what was acknowledged.

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>
#include <string>

#include <zlib.h>

#include "tests/support/booking.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

/// What "at once" means below: the old server waited 5 s for a body that
/// was never coming, so an answer within this is no read timeout.
constexpr auto at_once = 2s;

std::string post_users(const std::string& headers, const std::string& body) {
  return "POST /api/users HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body;
}

std::string sized(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n";
}

/// `text` gzip-compressed, as a client that compresses its body sends it.
std::string gzipped(const std::string& text) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

class http_hostile_input : public ::testing::Test {
protected:
  int64_t stored_users() {
    return db.connect().exec("SELECT count(*) FROM users").int64(0, 0);
  }

  /// The server still answers a plain request on a new connection.
  void expect_serving() {
    auto health = raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(health) << "the server stopped answering";
    EXPECT_EQ(health->status, 200);
  }

  /// Sends `request` alone and expects `status` and `code` at once, then
  /// the connection closed: the server read no further.
  void expect_refused_and_closed(const std::string& request, int status, const std::string& code) {
    raw_connection connection{server.port()};
    connection.send(request);
    bool to_head = request.rfind("HEAD ", 0) == 0;
    auto answer = connection.next_answer(at_once, to_head);
    ASSERT_TRUE(answer) << "no answer at once to:\n" << request.substr(0, 300);
    EXPECT_EQ(answer->status, status) << answer->body;
    if (!to_head)
      EXPECT_EQ(answer->code(), code);
    EXPECT_EQ(answer->headers["content-type"], "application/problem+json");
    EXPECT_EQ(answer->headers["connection"], "close");
    EXPECT_TRUE(connection.closed_by_server(at_once));
  }

  test_database db;
  server_process server{db.url()};
};

} // namespace

TEST_F(http_hostile_input, a_path_that_is_not_utf8_is_a_404_problem_not_a_crash) {
  for (auto path : {"/%FF", "/api/%C3%28", "/api/concerts/%FF%FE"}) {
    auto answer = raw_exchange(server.port(), std::string{"GET "} + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(answer) << path;
    EXPECT_EQ(answer->status, 404) << path;
    EXPECT_EQ(answer->code(), "NOT_FOUND") << answer->body;
  }
  auto token = raw_exchange(server.port(), "GET /api/queue_tokens/%C3%28 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->status, 404);
  EXPECT_EQ(token->code(), "TOKEN_NOT_FOUND");
  expect_serving();
}

TEST_F(http_hostile_input, a_compressed_body_is_415_and_inflated_by_nobody) {
  // 10 MB once inflated, 10 KB on the wire: a bomb for a server that inflates.
  auto bomb = gzipped(R"({"name": ")" + std::string(10'000'000, 'a') + "\"}");
  ASSERT_LT(bomb.size(), 64u * 1024);
  expect_refused_and_closed(post_users("Content-Encoding: gzip\r\n" + sized(bomb), bomb), 415,
                            "UNSUPPORTED_MEDIA_TYPE");
  std::string json = R"({"name": "kim"})";
  expect_refused_and_closed(post_users("Content-Encoding: br\r\n" + sized(json), json), 415,
                            "UNSUPPORTED_MEDIA_TYPE");
  auto plain = raw_exchange(server.port(),
                            post_users("Content-Encoding: identity\r\n" + sized(json), json));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 201);
  EXPECT_EQ(stored_users(), 1) << "only the identity body was taken";
}

TEST_F(http_hostile_input, a_chunked_body_over_64_kib_is_413_and_never_buffered_whole) {
  raw_connection connection{server.port()};
  connection.send(post_users("Transfer-Encoding: chunked\r\n", ""));
  std::string chunk = std::string(8192, 'a');
  std::string framed = "2000\r\n" + chunk + "\r\n";
  // 100 MB offered; the server stops reading past 64 KiB and closes, so
  // sending fails once the kernel's buffers are full.
  connection.send("a\r\n{\"name\": \"\r\n");
  size_t offered = 0;
  for (int i = 0; i < 12800 && connection.send(framed); ++i)
    offered += framed.size();
  EXPECT_LT(offered, 16'000'000u) << "the server went on reading past the limit";
  auto answer = connection.next_answer(at_once);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413);
  EXPECT_EQ(answer->code(), "PAYLOAD_TOO_LARGE");
  EXPECT_TRUE(connection.closed_by_server(at_once));
  EXPECT_EQ(stored_users(), 0);

  std::string small = R"({"name": "chunky"})";
  auto fits = raw_exchange(server.port(), post_users("Transfer-Encoding: chunked\r\n", "")
                                            + "5\r\n" + small.substr(0, 5) + "\r\n"
                                            + "d\r\n" + small.substr(5) + "\r\n0\r\n\r\n");
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 201);
  EXPECT_EQ(db.connect().exec("SELECT name FROM users").text(0, 0), "chunky");
  expect_serving();
}

TEST_F(http_hostile_input, a_broken_chunked_body_is_400_and_closes) {
  expect_refused_and_closed(post_users("Transfer-Encoding: chunked\r\n", "zz\r\nabc\r\n0\r\n\r\n"),
                            400, "INVALID_REQUEST");
  expect_refused_and_closed(post_users("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 501,
                            "NOT_IMPLEMENTED");
  expect_refused_and_closed(
    post_users("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), 400,
    "INVALID_REQUEST");
  EXPECT_EQ(stored_users(), 0);
}

TEST_F(http_hostile_input, more_than_100_header_lines_or_16_kib_of_headers_is_431) {
  std::string lines;
  for (int i = 0; i < 100; ++i)
    lines += "X-Line-" + std::to_string(i) + ": v\r\n";
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\n" + lines + "\r\n", 431,
                            "HEADERS_TOO_LARGE");
  std::string big;
  for (int i = 0; i < 3; ++i)
    big += "X-Big-" + std::to_string(i) + ": " + std::string(6000, 'b') + "\r\n";
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\n" + big + "\r\n", 431,
                            "HEADERS_TOO_LARGE");
  lines.erase(lines.rfind("X-Line-"));
  auto within = raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n" + lines + "\r\n");
  ASSERT_TRUE(within);
  EXPECT_EQ(within->status, 200) << "the host line and 99 more are allowed";
}

TEST_F(http_hostile_input, a_head_that_never_ends_is_cut_off_not_buffered) {
  raw_connection connection{server.port()};
  connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  std::string lines;
  for (int i = 0; i < 100; ++i)
    lines += "X-Filler: " + std::string(8000, 'f') + "\r\n";
  // A server that buffered whole heads would take all 100 MB; this one
  // stops reading past the head budget, and the kernel's buffers fill.
  size_t offered = 0;
  while (offered < 100'000'000 && connection.send(lines))
    offered += lines.size();
  EXPECT_LT(offered, 16'000'000u) << "the server went on reading the head";
  auto answer = connection.next_answer(at_once);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 431);
  EXPECT_EQ(answer->code(), "HEADERS_TOO_LARGE");
  EXPECT_TRUE(connection.closed_by_server(at_once));
  expect_serving();
}

TEST_F(http_hostile_input, pipelined_requests_are_answered_in_order) {
  raw_connection connection{server.port()};
  connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                  "POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\n"
                  "{\"name\":\"pip\"}"
                  "GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int status : {200, 201, 404}) {
    auto answer = connection.next_answer(at_once);
    ASSERT_TRUE(answer) << "no answer " << status << " at once";
    EXPECT_EQ(answer->status, status);
  }
  EXPECT_EQ(stored_users(), 1);
}

TEST_F(http_hostile_input, a_string_with_nul_is_400_and_nothing_is_stored) {
  for (std::string body : {R"({"name": "\u0000"})", R"({"name": "kim\u0000evil"})",
                           R"({"name": "kim", "note": "\u0000"})"}) {
    auto answer = raw_exchange(server.port(), post_users(sized(body), body));
    ASSERT_TRUE(answer) << body;
    EXPECT_EQ(answer->status, 400) << body;
    EXPECT_EQ(answer->code(), "INVALID_REQUEST");
  }
  EXPECT_EQ(stored_users(), 0);

  std::string concert = R"({"date": "2026-12-24", "title": "Xmas\u0000Eve", "seats": 5, "price": 1})";
  auto refused = raw_exchange(server.admin_port(), "POST /admin/concerts HTTP/1.1\r\nHost: x\r\n"
                                                     + sized(concert) + "\r\n" + concert);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM concerts").int64(0, 0), 0);
  expect_serving();
}

TEST_F(http_hostile_input, a_bad_content_length_is_400_at_once) {
  for (auto length : {"abc", "-1", "100000000000000000000000", "5, 6"})
    expect_refused_and_closed(post_users(std::string{"Content-Length: "} + length + "\r\n", "{}"),
                              400, "INVALID_REQUEST");
  expect_refused_and_closed(post_users("Content-Length: 70000\r\n", "{}"), 413, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(stored_users(), 0);
}

TEST_F(http_hostile_input, a_post_with_neither_body_nor_length_is_answered_at_once) {
  raw_connection connection{server.port()};
  connection.send(post_users("", ""));
  auto answer = connection.next_answer(at_once);
  ASSERT_TRUE(answer) << "the server waited for a body that was never declared";
  EXPECT_EQ(answer->status, 201);
  // The connection serves on: nothing was left unread.
  connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = connection.next_answer(at_once);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(stored_users(), 1);
}

TEST_F(http_hostile_input, a_body_on_a_get_is_refused_and_never_read_as_a_request) {
  std::string smuggled = "DELETE /api/reservations/1 HTTP/1.1\r\nHost: x\r\n\r\n";
  for (auto method : {"GET", "HEAD", "OPTIONS"})
    expect_refused_and_closed(std::string{method} + " /healthz HTTP/1.1\r\nHost: x\r\n"
                                + sized(smuggled) + "\r\n" + smuggled,
                              400, "INVALID_REQUEST");
  expect_serving();
}

TEST_F(http_hostile_input, a_request_the_parser_cannot_read_is_400_and_closes) {
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: y"
                            "\r\n\r\nGET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n",
                            400, "INVALID_REQUEST");
  expect_refused_and_closed("GARBAGE\r\n\r\n", 400, "INVALID_REQUEST");
  expect_serving();
}

TEST_F(http_hostile_input, a_control_character_in_a_header_is_400) {
  auto token = std::string{"11111111-1111-4111-8111-111111111111"};
  expect_refused_and_closed("GET /api/concerts/available_dates HTTP/1.1\r\nHost: x\r\n"
                            "X-Queue-Token: "
                              + token + std::string{"\0junk", 5} + "\r\n\r\n",
                            400, "INVALID_REQUEST");
  expect_serving();
}

TEST_F(http_hostile_input, a_multipart_body_is_415_and_never_read_as_a_request) {
  std::string inner = post_users(sized(R"({"name": "smuggled"})"), R"({"name": "smuggled"})");
  std::string part = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n";
  auto body = part + std::string(4096 - part.size(), 'A') + inner;
  expect_refused_and_closed(
    post_users("Content-Type: multipart/form-data; boundary=b\r\n" + sized(body), body), 415,
    "UNSUPPORTED_MEDIA_TYPE");
  EXPECT_EQ(stored_users(), 0);
}

TEST_F(http_hostile_input, a_framing_header_the_library_would_drop_or_decode_is_400) {
  std::string inner = post_users(sized(R"({"name": "smuggled"})"), R"({"name": "smuggled"})");
  auto length = std::to_string(inner.size());
  for (const std::string& head : std::vector<std::string>{"Content-Length:\r\n", "Content-Length:   \r\n",
                           "Content-Length: %30\r\n", "Content-Length: " + length + "\n",
                           "Content-Length " + length + "\r\n",
                           "Transfer-Encoding: %63hunked\r\n"})
    expect_refused_and_closed(post_users(head, inner), 400, "INVALID_REQUEST");
  EXPECT_EQ(stored_users(), 0) << "no body was read as a request";
}

TEST_F(http_hostile_input, header_lines_the_library_would_skip_still_count) {
  std::string empty_lines;
  for (int i = 0; i < 101; ++i)
    empty_lines += "A:\r\n";
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\n" + empty_lines + "\r\n", 431,
                            "HEADERS_TOO_LARGE");
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400,
                            "INVALID_REQUEST");
  // A folded line continues the one before it.
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\r\n def\r\n\r\n",
                            400, "INVALID_REQUEST");
}

TEST_F(http_hostile_input, a_value_the_server_reads_literally_must_not_be_percent_encoded) {
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\nIdempotency-Key: pk%31\r\n\r\n", 400,
                            "INVALID_REQUEST");
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer%20k\r\n\r\n",
                            400, "INVALID_REQUEST");
}

TEST_F(http_hostile_input, fields_read_once_may_be_given_once_and_http_1_1_needs_a_host) {
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400,
                            "INVALID_REQUEST");
  expect_refused_and_closed(
    "GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n",
    400, "INVALID_REQUEST");
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\n\r\n", 400, "INVALID_REQUEST");
  auto old = raw_exchange(server.port(), "GET /healthz HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 200) << "HTTP/1.0 has no Host rule";
}

TEST_F(http_hostile_input, a_nul_byte_ends_no_json_body_early) {
  std::string body = std::string{R"({"name": "kim"})"} + '\0' + "garbage{";
  auto answer = raw_exchange(server.port(), post_users(sized(body), body));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(stored_users(), 0);
}

TEST_F(http_hostile_input, a_range_header_gets_the_whole_answer) {
  std::string ranges = "0-100";
  for (int i = 0; i < 500; ++i)
    ranges += ",0-100";
  auto many = raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nRange: bytes=" + ranges
                                            + "\r\n\r\n");
  ASSERT_TRUE(many);
  EXPECT_EQ(many->status, 200);
  EXPECT_EQ(many->body, R"({"status":"ok"})") << "not the answer many times over";
  auto cut = raw_exchange(server.port(), post_users("Range: bytes=0-5\r\n" + sized("{}"), "{}"));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->status, 201);
  EXPECT_TRUE(nlohmann::json::parse(cut->body).contains("userKey")) << "the key, shown once, whole";
}

TEST_F(http_hostile_input, a_request_line_past_the_head_budget_is_414_not_silence) {
  raw_connection connection{server.port()};
  connection.send("GET /" + std::string(30000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  auto answer = connection.next_answer(at_once);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 414);
  EXPECT_EQ(answer->code(), "URI_TOO_LONG");
  EXPECT_TRUE(connection.closed_by_server(at_once));
}

TEST(http_hostile_token, a_request_pipelined_behind_an_event_stream_is_never_run) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_QUEUE_INTERVAL_MS", "3600000"}}, {}}};
  booking flow{server};
  auto user = flow.new_user();
  auto token = flow.issue_token(user);
  std::string charge = R"({"userId": )" + std::to_string(user) + R"(, "amount": 1000})";
  raw_connection connection{server.port()};
  connection.send("GET /api/queue_tokens/" + token
                  + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                    "POST /api/users/balance HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + flow.key_of(user) + "\r\nContent-Length: " + std::to_string(charge.size())
                  + "\r\n\r\n" + charge);
  ASSERT_TRUE(connection.wait_for("event: token")) << "the stream began";
  // Had the charge behind the stream run, it would be committed within
  // milliseconds of the stream's start; for a second, nothing is.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{1};
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(db.connect().exec("SELECT count(*) FROM charges").int64(0, 0), 0)
      << "a request whose answer goes nowhere was run";
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

TEST(http_hostile_token, a_token_reads_the_same_in_either_case_on_every_route) {
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  auto token = flow.admitted_token(flow.new_user());
  std::string upper = token;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_NE(upper, token);
  auto guarded = raw_exchange(server.port(), "GET /api/concerts/available_dates HTTP/1.1\r\n"
                                             "Host: x\r\nX-Queue-Token: "
                                               + upper + "\r\n\r\n");
  ASSERT_TRUE(guarded);
  EXPECT_EQ(guarded->status, 200) << guarded->body;
  auto read = raw_exchange(server.port(),
                           "GET /api/queue_tokens/" + upper + " HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_EQ(nlohmann::json::parse(read->body).at("token"), token) << "the canonical form";
  auto junk = raw_exchange(server.port(),
                           "GET /api/queue_tokens/" + token + "x HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->status, 404);
}

TEST_F(http_hostile_input, a_header_line_past_the_head_budget_is_431_not_414) {
  expect_refused_and_closed("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(26000, 'a')
                              + "\r\n\r\n",
                            431, "HEADERS_TOO_LARGE");
  expect_refused_and_closed("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414,
                            "URI_TOO_LONG");
}

TEST_F(http_hostile_input, an_empty_line_before_a_request_is_ignored) {
  auto answer = raw_exchange(server.port(), "\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200) << "RFC 9112 2.2";
}

TEST_F(http_hostile_input, an_http_1_0_request_with_transfer_encoding_ends_its_connection) {
  // RFC 9112 6.1: such framing is faulty, so a request after it, which a
  // proxy of HTTP/1.0 may have taken for body, is never read.
  raw_connection connection{server.port()};
  connection.send("POST /api/users HTTP/1.0\r\nConnection: keep-alive\r\n"
                  "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                  "2\r\n{}\r\n0\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n");
  auto answer = connection.next_answer(at_once);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 201);
  EXPECT_TRUE(connection.closed_by_server(at_once)) << "the second request was answered";
}

TEST(http_hostile_trailers, trailer_fields_never_reach_the_routes) {
  test_database db;
  server_process server{db.url()};
  booking flow{server};
  auto user = flow.new_user();
  std::string charge = R"({"userId": )" + std::to_string(user) + R"(, "amount": 5})";
  std::stringstream size;
  size << std::hex << charge.size();
  // The key comes only after the body, where no head rule looks; a proxy
  // that strips Authorization would pass it on.
  auto answer = raw_exchange(
    server.port(), "POST /api/users/balance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   "Content-Type: application/json\r\n\r\n"
                     + size.str() + "\r\n" + charge + "\r\n0\r\nAuthorization: Bearer "
                     + flow.key_of(user) + "\r\n\r\n");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 401);
  EXPECT_EQ(answer->code(), "USER_KEY_INVALID");
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM charges").int64(0, 0), 0);
}

TEST(http_hostile_token, a_client_that_shut_its_sending_side_still_gets_its_stream) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_QUEUE_INTERVAL_MS", "3600000"}}, {}}};
  booking flow{server};
  auto token = flow.issue_token(flow.new_user());
  raw_connection connection{server.port()};
  connection.send("GET /api/queue_tokens/" + token
                  + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
  connection.finish_sending();
  EXPECT_TRUE(connection.wait_for("event: token")) << "the first event comes at once";
}

TEST(http_hostile_token, head_of_an_event_stream_is_a_head_without_a_body) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_QUEUE_INTERVAL_MS", "3600000"}}, {}}};
  booking flow{server};
  auto token = flow.issue_token(flow.new_user());
  raw_connection connection{server.port()};
  connection.send("HEAD /api/queue_tokens/" + token
                  + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.next_answer(at_once, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-type"], "application/json");
  // Had a body followed the head, it would be read here as the next answer.
  auto next = connection.next_answer(at_once);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"status":"ok"})");
}
