#include "actors/waiting_line.hpp"

namespace concert {

namespace {

int64_t lowbit(int64_t i) {
  return i & -i;
}

} // namespace

int64_t waiting_line::push(std::string token) {
  auto number = static_cast<int64_t>(tokens_.size()) + 1;
  tokens_.push_back(std::move(token));
  waiting_.push_back(true);
  // The new node covers (number - lowbit, number]: itself plus what is
  // already counted in that range.
  tree_.push_back(1 + prefix(number - 1) - prefix(number - lowbit(number)));
  ++size_;
  return number;
}

const std::string& waiting_line::front() const {
  return tokens_[head_];
}

void waiting_line::pop_front() {
  remove(static_cast<int64_t>(head_) + 1);
}

void waiting_line::remove(int64_t number) {
  auto index = static_cast<size_t>(number - 1);
  if (index >= waiting_.size() || !waiting_[index])
    return;
  waiting_[index] = false;
  tokens_[index].clear();
  tokens_[index].shrink_to_fit();
  add(number, -1);
  --size_;
  skip_gone();
  // A drained line gives its memory back and numbers afresh; no number
  // handed out before belongs to a waiting token any more.
  if (size_ == 0) {
    std::vector<std::string>{}.swap(tokens_);
    std::vector<bool>{}.swap(waiting_);
    std::vector<int64_t>{0}.swap(tree_);
    head_ = 0;
  }
}

int64_t waiting_line::position(int64_t number) const {
  return prefix(number);
}

int64_t waiting_line::prefix(int64_t number) const {
  int64_t sum = 0;
  for (auto i = number; i > 0; i -= lowbit(i))
    sum += tree_[static_cast<size_t>(i)];
  return sum;
}

void waiting_line::add(int64_t number, int64_t delta) {
  for (auto i = number; i < static_cast<int64_t>(tree_.size()); i += lowbit(i))
    tree_[static_cast<size_t>(i)] += delta;
}

void waiting_line::skip_gone() {
  while (head_ < waiting_.size() && !waiting_[head_])
    ++head_;
}

} // namespace concert
