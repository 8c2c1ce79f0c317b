// The rules on a request's head, checked before its body is read.

#include "http/request_head.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "actors/errors.hpp"

using namespace concert;
using namespace concert::http;

namespace {

using fields = std::vector<std::pair<std::string, std::string>>;

caf::expected<body_framing> check(const fields& head) {
  head_check check;
  for (const auto& [name, value] : head)
    check.add(name, value);
  return check.finish();
}

/// The error code a head is refused with, or ec::none.
ec refusal(const fields& head) {
  auto framing = check(head);
  return framing ? ec::none : static_cast<ec>(framing.error().code());
}

} // namespace

TEST(request_head, a_head_without_length_or_coding_has_no_body) {
  auto framing = check({{"Host", "x"}, {"Accept", "*/*"}});
  ASSERT_TRUE(framing);
  EXPECT_EQ(framing->how, body_framing::kind::none);
  EXPECT_FALSE(framing->has_body());
}

TEST(request_head, a_content_length_is_a_decimal_number_within_the_body_limit) {
  auto sized = check({{"content-length", " 42 "}});
  ASSERT_TRUE(sized);
  EXPECT_EQ(sized->how, body_framing::kind::sized);
  EXPECT_EQ(sized->length, 42u);
  EXPECT_FALSE(check({{"Content-Length", "0"}})->has_body());
  EXPECT_EQ(check({{"Content-Length", "65536"}})->length, 65536u);
  EXPECT_EQ(refusal({{"Content-Length", "65537"}}), ec::payload_too_large);
  for (auto bad : {"", "abc", "-1", "+5", "1e3", "0x10", "5, 5", "100000000000000000000000"})
    EXPECT_EQ(refusal({{"Content-Length", bad}}), ec::invalid_request) << bad;
}

TEST(request_head, a_repeated_content_length_must_agree) {
  EXPECT_TRUE(check({{"Content-Length", "5"}, {"Content-Length", "5"}}));
  EXPECT_EQ(refusal({{"Content-Length", "5"}, {"Content-Length", "6"}}), ec::invalid_request);
}

TEST(request_head, chunked_is_the_only_transfer_coding_and_excludes_a_length) {
  EXPECT_EQ(check({{"Transfer-Encoding", "Chunked"}})->how, body_framing::kind::chunked);
  EXPECT_TRUE(check({{"Transfer-Encoding", "chunked"}})->has_body());
  EXPECT_EQ(refusal({{"Transfer-Encoding", "gzip, chunked"}}), ec::not_implemented);
  EXPECT_EQ(refusal({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}),
            ec::not_implemented);
  EXPECT_EQ(refusal({{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}),
            ec::invalid_request)
    << "the two framings disagreeing is how requests are smuggled";
}

TEST(request_head, a_body_is_taken_as_identity_only) {
  EXPECT_TRUE(check({{"Content-Encoding", "identity"}}));
  EXPECT_TRUE(check({{"Content-Encoding", " IDENTITY"}}));
  for (auto coding : {"gzip", "br", "deflate", "identity, gzip"})
    EXPECT_EQ(refusal({{"Content-Encoding", coding}}), ec::unsupported_media_type) << coding;
}

TEST(request_head, at_most_100_lines_and_16_kib_of_headers) {
  fields lines;
  for (int i = 0; i < 100; ++i)
    lines.emplace_back("X-Line-" + std::to_string(i), "v");
  EXPECT_TRUE(check(lines));
  lines.emplace_back("X-One-Too-Many", "v");
  EXPECT_EQ(refusal(lines), ec::headers_too_large);
  // Each line counts its name, its value, ": " and CRLF.
  auto value_of = [](size_t bytes) { return std::string(bytes - 5 - 4, 'a'); };
  EXPECT_TRUE(check({{"X-Big", value_of(16 * 1024)}}));
  EXPECT_EQ(refusal({{"X-Big", value_of(16 * 1024 + 1)}}), ec::headers_too_large);
}

TEST(request_head, field_values_hold_no_control_characters) {
  EXPECT_TRUE(check({{"User-Agent", "tab\tand obs-text \xC3\xA9"}}));
  for (std::string bad : {std::string{"token\0junk", 10}, std::string{"a\rb"},
                          std::string{"a\nb"}, std::string{"a\x7F"}, std::string{"\x01"}})
    EXPECT_EQ(refusal({{"X-Queue-Token", bad}}), ec::invalid_request);
}

TEST(request_head, field_names_are_tokens) {
  EXPECT_EQ(refusal({{"Bad Name", "v"}}), ec::invalid_request);
  EXPECT_EQ(refusal({{"", "v"}}), ec::invalid_request);
  EXPECT_EQ(refusal({{"Na\xC3\xA9me", "v"}}), ec::invalid_request);
}

TEST(request_head, the_first_broken_rule_is_the_one_reported) {
  head_check check;
  EXPECT_EQ(check.add("Content-Encoding", "br").code(),
            static_cast<uint8_t>(ec::unsupported_media_type));
  check.add("Content-Length", "abc");
  EXPECT_EQ(check.finish().error().code(), static_cast<uint8_t>(ec::unsupported_media_type));
}

TEST(request_head, bodies_are_json_never_multipart) {
  EXPECT_TRUE(check({{"Content-Type", "application/json; charset=utf-8"}}));
  EXPECT_EQ(refusal({{"Content-Type", "Multipart/form-data; boundary=b"}}),
            ec::unsupported_media_type);
}

TEST(request_head, a_field_read_once_may_be_given_once) {
  for (auto name : {"Host", "authorization", "Idempotency-Key", "X-Queue-Token", "Content-Type"})
    EXPECT_EQ(refusal({{name, "a"}, {name, "a"}}), ec::invalid_request) << name;
  EXPECT_TRUE(check({{"Accept", "a"}, {"Accept", "b"}})) << "lists may repeat";
}

TEST(request_head, it_tells_whether_a_host_came) {
  head_check with_host;
  with_host.add("host", "x");
  EXPECT_TRUE(with_host.has_host());
  EXPECT_FALSE(head_check{}.has_host());
}
