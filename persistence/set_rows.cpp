#include "persistence/set_rows.hpp"

#include <unordered_map>

namespace concert::set_rows {

namespace {

/// A PostgreSQL array literal whose every element is quoted, so that any
/// text (a date, a status) reads back as itself.
std::string array_literal(const std::vector<const row*>& rows, size_t column) {
  std::string text = "{";
  for (const auto* r : rows) {
    if (text.size() > 1)
      text += ',';
    text += '"';
    for (char c : r->values.at(column)) {
      if (c == '"' || c == '\\')
        text += '\\';
      text += c;
    }
    text += '"';
  }
  return text + "}";
}

} // namespace

pg::statement statement_of(const std::vector<const row*>& rows) {
  pg::statement s{rows.front()->of->sql, {}};
  for (size_t column = 0; column < rows.front()->values.size(); ++column)
    s.params.emplace_back(array_literal(rows, column));
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
