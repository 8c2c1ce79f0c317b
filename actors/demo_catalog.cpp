#include "actors/demo_catalog.hpp"

#include "support/time.hpp"

namespace concert {

std::vector<concert_info> demo_concerts(std::chrono::system_clock::time_point today) {
  using days = std::chrono::duration<int, std::ratio<86400>>;
  return {
    {format_date(today + days{7}), "Opening Night", 50, 10000},
    {format_date(today + days{14}), "Second Week", 50, 12000},
    {format_date(today + days{21}), "Closing Gala", 50, 15000},
  };
}

} // namespace concert
