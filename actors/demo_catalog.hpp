#pragma once

#include <chrono>
#include <vector>

#include "actors/messages.hpp"

namespace concert {

/// A small catalogue for trying the server out: a few dates from a week
/// after `today` on, 50 seats each.
std::vector<concert_info> demo_concerts(std::chrono::system_clock::time_point today);

} // namespace concert
