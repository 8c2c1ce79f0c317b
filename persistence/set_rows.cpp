#include "persistence/set_rows.hpp"

#include <unordered_map>

namespace concert::set_rows {

pg::statement statement_of(const std::vector<const row*>& rows) {
  pg::statement s{rows.front()->of->sql, {}};
  for (size_t column = 0; column < rows.front()->values.size(); ++column) {
    std::vector<std::string> elements;
    elements.reserve(rows.size());
    for (const auto* r : rows)
      elements.push_back(r->values.at(column));
    s.params.emplace_back(pg::array_literal(elements));
  }
  return s;
}

std::vector<pg::result> answers_of(const pg::result& written, const std::vector<const row*>& rows) {
  std::unordered_map<std::string, int> row_by_key;
  for (int i = 0; i < written.rows(); ++i)
    row_by_key.emplace(written.text(i, written.columns() - 1), i);
  std::vector<pg::result> answers;
  answers.reserve(rows.size());
  for (const auto* r : rows) {
    auto found = row_by_key.find(r->key);
    answers.push_back(written.only(found == row_by_key.end() ? std::nullopt
                                                             : std::optional<int>{found->second}));
  }
  return answers;
}

} // namespace concert::set_rows
