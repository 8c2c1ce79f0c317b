// What the head's lines must look like before the library reads them.

#include "http/head_lines.hpp"

#include <gtest/gtest.h>

#include <string>

#include "actors/errors.hpp"

using namespace concert;
using concert::http::head_lines;

namespace {

/// The head fed a byte at a time, as the library reads it.
head_lines fed(const std::string& head) {
  head_lines lines;
  for (char c : head)
    lines.feed(&c, 1);
  return lines;
}

std::string detail(const head_lines& lines) {
  return lines.error() ? detail_of(lines.error()) : "";
}

} // namespace

TEST(head_lines, a_clean_head_ends_at_its_blank_line) {
  auto lines = fed("GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\n\r\nGARBAGE\n");
  EXPECT_TRUE(lines.complete());
  EXPECT_FALSE(lines.error()) << "what follows the head is no business of its lines";
}

TEST(head_lines, every_line_ends_in_cr_lf) {
  EXPECT_EQ(detail(fed("GET / HTTP/1.1\nHost: x\r\n\r\n")),
            "a line of the request's head ends without CR LF");
  EXPECT_EQ(detail(fed("GET / HTTP/1.1\r\nContent-Length: 5\n\r\n")),
            "a line of the request's head ends without CR LF");
}

TEST(head_lines, a_header_line_is_name_colon_value_and_never_folded) {
  EXPECT_EQ(detail(fed("GET / HTTP/1.1\r\nContent-Length 80\r\n\r\n")),
            "a header line is not `name: value`");
  EXPECT_EQ(detail(fed("GET / HTTP/1.1\r\n: v\r\n\r\n")), "a header line is not `name: value`");
  EXPECT_EQ(detail(fed("GET / HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n")),
            "folded header lines are not accepted");
}

TEST(head_lines, a_framing_field_is_given_in_full_and_never_percent_encoded) {
  EXPECT_EQ(detail(fed("POST / HTTP/1.1\r\nContent-Length:  \r\n\r\n")),
            "Content-Length: must not be empty");
  EXPECT_EQ(detail(fed("POST / HTTP/1.1\r\ncontent-length: %30\r\n\r\n")),
            "content-length: must not be percent-encoded");
  EXPECT_EQ(detail(fed("POST / HTTP/1.1\r\nIdempotency-Key: a%31\r\n\r\n")),
            "Idempotency-Key: must not be percent-encoded");
  EXPECT_FALSE(fed("GET / HTTP/1.1\r\nReferer: http://x/a%20b\r\n\r\n").error())
    << "other fields may carry %XX as they please";
}

TEST(head_lines, lines_the_library_would_skip_are_counted) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i)
    head += "A:\r\n";
  EXPECT_FALSE(fed(head + "\r\n").error());
  EXPECT_EQ(fed(head + "A:\r\n\r\n").error().code(), static_cast<uint8_t>(ec::headers_too_large));
}

TEST(head_lines, a_long_line_is_judged_by_its_end) {
  auto lines = fed("GET / HTTP/1.1\r\nX-Long: " + std::string(10000, 'l') + "\r\n\r\n");
  EXPECT_TRUE(lines.complete());
  EXPECT_FALSE(lines.error());
}

TEST(head_lines, a_blank_line_without_cr_does_not_end_the_head) {
  auto lines = fed("GET / HTTP/1.1\r\n\nX-More: 1\r\n");
  EXPECT_FALSE(lines.complete()) << "the library reads on past it, so the budget must hold on";
  EXPECT_TRUE(lines.error());
}

TEST(head_lines, a_percent_far_into_a_long_line_is_still_seen) {
  auto key = std::string(250, 'k') + "%31";
  EXPECT_EQ(detail(fed("GET / HTTP/1.1\r\nIdempotency-Key: " + key + "\r\n\r\n")),
            "Idempotency-Key: must not be percent-encoded");
}
