// Log lines: one JSON object a line, whatever the fields hold.

#include "support/log.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <unistd.h>

namespace {

/// What `write_lines` wrote to standard error.
template <class F>
std::string captured(F write_lines) {
  std::fflush(stderr);
  auto* file = std::tmpfile();
  auto saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(file), STDERR_FILENO);
  write_lines();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::string text;
  std::rewind(file);
  for (int c; (c = std::fgetc(file)) != EOF;)
    text.push_back(static_cast<char>(c));
  std::fclose(file);
  return text;
}

const std::string hostile = std::string{"quote \" back\\slash\ttab \x01 \xc3\xa9t\xc3\xa9 bad \xff\xfe end"};

} // namespace

TEST(log, a_line_built_field_by_field_is_the_json_object_of_its_fields) {
  auto text = captured([] {
    concert::log::line{concert::log::level::info, "request"}
      .text("client", hostile)
      .decimal("latency_ms", 0.125)
      .integer("status", 201)
      .json("nested", {{"a", 1}})
      .write();
  });
  ASSERT_EQ(text.back(), '\n');
  ASSERT_EQ(text.find('\n'), text.size() - 1) << "one line";
  auto parsed = nlohmann::json::parse(text);
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["msg"], "request");
  EXPECT_EQ(parsed["latency_ms"], 0.125);
  EXPECT_EQ(parsed["status"], 201);
  EXPECT_EQ(parsed["nested"]["a"], 1);
  EXPECT_EQ(parsed["client"],
            nlohmann::json::parse(nlohmann::json(hostile).dump(-1, ' ', false,
                                                               nlohmann::json::error_handler_t::replace)))
    << "escaped, and invalid UTF-8 replaced, as nlohmann::json dumps it";
}

TEST(log, write_puts_the_fields_after_the_time_level_and_message) {
  auto text = captured([] { concert::log::error("failed", {{"b", "x"}, {"a", hostile}}); });
  auto parsed = nlohmann::json::parse(text);
  EXPECT_EQ(text.rfind("{\"ts\":", 0), 0u);
  EXPECT_LT(text.find("\"msg\":\"failed\""), text.find("\"a\":"));
  EXPECT_LT(text.find("\"a\":"), text.find("\"b\":")) << "in the order a JSON object dumps them";
  EXPECT_EQ(parsed["level"], "error");
  EXPECT_EQ(parsed["b"], "x");
}

TEST(log, a_line_is_byte_for_byte_the_dump_of_an_ordered_object_of_its_fields) {
  auto text = captured([] {
    concert::log::line{concert::log::level::warning, "odd \"msg\""}
      .text("method", hostile)
      .decimal("latency_ms", 1.0)
      .decimal("ratio", 0.1)
      .integer("status", -7)
      .write();
  });
  nlohmann::ordered_json expected = {{"ts", nlohmann::json::parse(text)["ts"]},
                                     {"level", "warning"},
                                     {"msg", "odd \"msg\""},
                                     {"method", hostile},
                                     {"latency_ms", 1.0},
                                     {"ratio", 0.1},
                                     {"status", -7}};
  EXPECT_EQ(text, expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}
