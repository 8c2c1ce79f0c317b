#include "http/message.hpp"

#include "http/request_head.hpp"

namespace concert::http {

namespace {

const std::string* find(const fields& all, std::string_view name) {
  for (const auto& [key, value] : all)
    if (same_name(key, name))
      return &value;
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// `text` with %XX decoded (and '+' as a space in a query); false on a
/// broken escape.
bool decode(std::string_view text, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size())
        return false;
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0)
        return false;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
  }
  return true;
}

} // namespace

std::string request::header(std::string_view name) const {
  const auto* value = find(headers, name);
  return value == nullptr ? std::string{} : *value;
}

bool request::has_header(std::string_view name) const {
  return find(headers, name) != nullptr;
}

std::string request::query_value(std::string_view name) const {
  for (const auto& [key, value] : query)
    if (key == name)
      return value;
  return {};
}

void response::set_header(std::string_view name, std::string value) {
  for (auto& [key, old] : headers)
    if (same_name(key, name)) {
      old = std::move(value);
      return;
    }
  headers.emplace_back(std::string{name}, std::move(value));
}

bool response::has_header(std::string_view name) const {
  return find(headers, name) != nullptr;
}

std::string response::header(std::string_view name) const {
  const auto* value = find(headers, name);
  return value == nullptr ? std::string{} : *value;
}

void response::set_content(std::string content, std::string content_type) {
  body = std::move(content);
  set_header("Content-Type", std::move(content_type));
}

bool split_target(std::string_view target, std::string& path, fields& query) {
  if (target.empty() || target.front() != '/')
    return false;
  auto mark = target.find('?');
  if (!decode(target.substr(0, mark), false, path))
    return false;
  query.clear();
  if (mark == std::string_view::npos)
    return true;
  auto rest = target.substr(mark + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    std::string key;
    std::string value;
    if (!decode(pair.substr(0, eq), true, key)
        || !decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true,
                   value))
      return false;
    query.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

} // namespace concert::http
