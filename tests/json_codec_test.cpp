#include "http/json_codec.hpp"

#include <gtest/gtest.h>

#include "actors/errors.hpp"

using namespace concert;
using namespace concert::http;

namespace {

/// The detail of an invalid_request, or "" when decoding succeeded.
template <class T>
std::string rejection(const caf::expected<T>& decoded) {
  if (decoded)
    return "";
  EXPECT_EQ(decoded.error().code(), static_cast<uint8_t>(ec::invalid_request));
  return detail_of(decoded.error());
}

std::string concert_body(const std::string& date, const std::string& seats = "50",
                         const std::string& price = "10000",
                         const std::string& title = R"("Xmas")") {
  return R"({"date": ")" + date + R"(", "title": )" + title + R"(, "seats": )" + seats
         + R"(, "price": )" + price + "}";
}

} // namespace

TEST(json_codec, a_user_may_have_a_name) {
  EXPECT_EQ(decode_new_user(R"({"name": "kim"})")->name, "kim");
  EXPECT_EQ(decode_new_user(R"({"name": "김민지"})")->name, "김민지");
}

TEST(json_codec, a_user_needs_no_name_nor_even_a_body) {
  EXPECT_EQ(decode_new_user("{}")->name, "");
  EXPECT_EQ(decode_new_user("")->name, "");
  EXPECT_EQ(decode_new_user(R"({"name": null})")->name, "");
}

TEST(json_codec, a_user_name_is_a_string_of_1_to_100_characters) {
  auto rule = "name: must be a string of 1 to 100 characters";
  EXPECT_EQ(rejection(decode_new_user(R"({"name": 5})")), rule);
  EXPECT_EQ(rejection(decode_new_user(R"({"name": ""})")), rule);
  EXPECT_EQ(rejection(decode_new_user(R"({"name": ")" + std::string(101, 'a') + "\"}")), rule);
  // 100 Hangul syllables are 300 bytes but 100 characters.
  std::string hangul;
  for (int i = 0; i < 100; ++i)
    hangul += "김";
  EXPECT_TRUE(decode_new_user(R"({"name": ")" + hangul + "\"}"));
}

TEST(json_codec, a_body_must_be_a_json_object) {
  EXPECT_EQ(rejection(decode_new_user("{")), "the body is not valid JSON");
  EXPECT_EQ(rejection(decode_new_user("[]")), "the body must be a JSON object");
  EXPECT_EQ(rejection(decode_new_user("\"kim\"")), "the body must be a JSON object");
  EXPECT_EQ(rejection(decode_new_user("{\"name\": \"\xff\"}")), "the body is not valid JSON");
}

TEST(json_codec, deeply_nested_input_is_rejected_without_crashing) {
  auto rule = "the body is nested too deeply";
  EXPECT_EQ(rejection(decode_new_user(std::string(60000, '['))), rule);
  EXPECT_EQ(rejection(decode_new_user(std::string(30000, '[') + std::string(30000, ']'))), rule);
  auto nested = [](int depth) {
    return "{\"name\": \"kim\", \"x\": " + std::string(depth, '[') + std::string(depth, ']')
           + "}";
  };
  EXPECT_TRUE(decode_new_user(nested(15))) << "sixteen levels, the object's included";
  EXPECT_EQ(rejection(decode_new_user(nested(16))), rule);
}

TEST(json_codec, no_string_anywhere_in_a_body_may_hold_nul) {
  auto rule = "strings must not contain NUL (\\u0000)";
  EXPECT_EQ(rejection(decode_new_user(R"({"name": "\u0000"})")), rule);
  EXPECT_EQ(rejection(decode_new_user(R"({"name": "kim\u0000evil"})")), rule);
  EXPECT_EQ(rejection(decode_new_user(R"({"name": "kim", "pad": ["\u0000"]})")), rule)
    << "an ignored field would still be stored with an Idempotency-Key";
  EXPECT_EQ(rejection(decode_new_user(R"({"na\u0000me": "kim"})")), rule) << "keys too";
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50", "10000", R"("X\u0000")"))),
            rule);
  EXPECT_EQ(decode_new_user(R"({"name": "back\\u0000slash"})")->name, "back\\u0000slash")
    << "an escaped backslash before u0000 is no NUL";
}

TEST(json_codec, a_token_is_read_in_either_case_and_comes_out_canonical) {
  EXPECT_EQ(*decode_token("1B4E28BA-2FA1-41D2-883F-0016D3CCA427", ec::token_invalid),
            "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
  for (std::string bad : std::vector<std::string>{"", "1b4e28ba-2fa1-41d2-883f-0016d3cca42",
                          "1b4e28ba-2fa1-41d2-883f-0016d3cca427x",
                          std::string{"1b4e28ba-2fa1-41d2-883f-0016d3cca427\0junk", 41},
                          "1b4e28ba2fa141d2883f0016d3cca427----"}) {
    auto decoded = decode_token(bad, ec::token_not_found);
    ASSERT_FALSE(decoded) << bad;
    EXPECT_EQ(decoded.error().code(), static_cast<uint8_t>(ec::token_not_found));
  }
}

TEST(json_codec, a_concert_reads_every_field) {
  auto c = decode_concert(concert_body("2026-12-24"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->date, "2026-12-24");
  EXPECT_EQ(c->title, "Xmas");
  EXPECT_EQ(c->total_seats, 50);
  EXPECT_EQ(c->price, 10000);
}

TEST(json_codec, a_concert_date_is_a_real_calendar_day) {
  auto rule = "date: must be a calendar date as YYYY-MM-DD";
  EXPECT_TRUE(decode_concert(concert_body("2028-02-29")));
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-02-29"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-13-01"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-1-01"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("24.12.2026"))), rule);
  EXPECT_EQ(rejection(decode_concert(R"({"title": "x", "seats": 1, "price": 1})")), rule);
}

TEST(json_codec, concert_seats_run_from_1_to_10000) {
  auto rule = "seats: must be an integer from 1 to 10000";
  EXPECT_TRUE(decode_concert(concert_body("2026-12-24", "1")));
  EXPECT_TRUE(decode_concert(concert_body("2026-12-24", "10000")));
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "0"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "10001"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50.0"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "\"50\""))), rule);
}

TEST(json_codec, concert_price_runs_from_0_to_a_billion) {
  auto rule = "price: must be an integer from 0 to 1000000000";
  EXPECT_TRUE(decode_concert(concert_body("2026-12-24", "50", "0")));
  EXPECT_TRUE(decode_concert(concert_body("2026-12-24", "50", "1000000000")));
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50", "-1"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50", "1000000001"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50", "18446744073709551616"))),
            rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50", "1e30"))), rule);
}

TEST(json_codec, a_concert_title_is_required) {
  auto rule = "title: must be a string of 1 to 200 characters";
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50", "1", "null"))), rule);
  EXPECT_EQ(rejection(decode_concert(concert_body("2026-12-24", "50", "1", "\"\""))), rule);
}

TEST(json_codec, replies_use_the_api_field_names) {
  EXPECT_EQ(encode(user_record{7, 0}), (nlohmann::json{{"userId", 7}, {"balance", 0}}));
  EXPECT_EQ(encode(concert_info{"2026-12-24", "Xmas", 50, 10000}),
            (nlohmann::json{
              {"date", "2026-12-24"}, {"title", "Xmas"}, {"totalSeats", 50}, {"price", 10000}}));
}
