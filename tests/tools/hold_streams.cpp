// Holds a queue-position event stream open for every token in a file until
// it is killed: the load scripts/bench keeps on the server while it measures
// other requests next to a run without it.
// Usage: hold_streams PORT TOKENS_FILE (one token a line)

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "tests/support/event_stream_client.hpp"

using concert::testing::event_stream_client;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: hold_streams PORT TOKENS_FILE\n";
    return 2;
  }
  auto port = std::stoi(argv[1]);
  std::ifstream file{argv[2]};
  std::vector<std::string> tokens;
  for (std::string line; std::getline(file, line);)
    if (!line.empty())
      tokens.push_back(line);
  if (!concert::testing::allow_open_files(tokens.size() + 64)) {
    std::cerr << "hold_streams: the open-file limit is below " << tokens.size() << "\n";
    return 1;
  }
  std::vector<event_stream_client> streams;
  streams.reserve(tokens.size());
  for (const auto& token : tokens)
    streams.emplace_back(port, "/api/queue_tokens/" + token);
  for (auto& s : streams) {
    auto first = s.next_event();
    if (!first || first->value("status", "") != "WAITING") {
      std::cerr << "hold_streams: a stream did not open on a WAITING token\n";
      return 1;
    }
  }
  std::cout << "holding " << streams.size() << " streams" << std::endl;
  pause();
}
