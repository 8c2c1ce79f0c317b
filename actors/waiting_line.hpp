#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace concert {

/// Tokens in arrival order. Any of them may leave early (revocation), so a
/// place in line is a count of those still waiting ahead, kept in a Fenwick
/// tree: joining, leaving and asking a position are O(log n).
class waiting_line {
public:
  /// Appends `token` and returns its number, which never changes while it
  /// waits. Numbers start again from 1 once the line has drained.
  int64_t push(std::string token);

  bool empty() const {
    return size_ == 0;
  }

  size_t size() const {
    return size_;
  }

  /// The first token still waiting; the line must not be empty.
  const std::string& front() const;

  /// Takes the first token out; the line must not be empty.
  void pop_front();

  /// Takes the token with `number` out, wherever it stands.
  void remove(int64_t number);

  /// The 1-based place of a waiting token among those still waiting.
  int64_t position(int64_t number) const;

private:
  int64_t prefix(int64_t number) const;
  void add(int64_t number, int64_t delta);
  void skip_gone();

  std::vector<std::string> tokens_;
  std::vector<bool> waiting_;
  /// tree_[i] counts the waiting tokens in (i - lowbit(i), i], 1-based.
  std::vector<int64_t> tree_{0};
  size_t head_ = 0;
  size_t size_ = 0;
};

} // namespace concert
