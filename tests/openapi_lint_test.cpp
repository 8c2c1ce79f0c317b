// openapi.yaml under Redocly CLI's `recommended` rules: no error and no
// warning, so every operation keeps its operationId and declared security.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

namespace {

/// What `command` printed on its standard output.
std::string output_of(const std::string& command) {
  std::string out;
  auto* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr)
    return out;
  std::array<char, 4096> chunk{};
  while (auto n = fread(chunk.data(), 1, chunk.size(), pipe))
    out.append(chunk.data(), n);
  pclose(pipe);
  return out;
}

} // namespace

TEST(openapi, the_document_lints_clean_under_redocly_recommended) {
  const char* redocly = std::getenv("CONCERT_REDOCLY");
  ASSERT_NE(redocly, nullptr) << "CONCERT_REDOCLY names Redocly CLI (scripts/test installs it)";
  auto report = output_of(std::string{"'"} + redocly
                          + "' lint --extends recommended --format json '" CONCERT_OPENAPI_PATH
                            "' 2>/dev/null");
  auto parsed = nlohmann::json::parse(report, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << report;
  EXPECT_EQ(parsed["totals"]["errors"], 0) << parsed["problems"].dump(2);
  EXPECT_EQ(parsed["totals"]["warnings"], 0) << parsed["problems"].dump(2);
}
