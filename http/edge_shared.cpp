#include "http/edge_shared.hpp"

namespace concert::http {

namespace {

/// Enough that a continuation rarely waits behind another, few enough to
/// cost nothing idle.
constexpr size_t asking_actors = 8;

} // namespace

edge_shared::edge_shared(std::string name, router routes, caf::actor_system& system,
                         std::string bearer_token, int64_t rate_limit_rps,
                         const config::settings& s)
  : name(name),
    routes(std::move(routes)),
    system(system),
    asking(system, asking_actors),
    bearer_token(std::move(bearer_token)),
    limiter(rate_limit_rps),
    trusted_proxies(parse_networks(s.trusted_proxies).value_or(std::vector<network>{})),
    requests(std::move(name), this->routes.route_list()),
    request_timeout(s.request_timeout_ms),
    idle_timeout(s.idle_timeout_ms),
    write_timeout(s.request_timeout_ms),
    backlog(static_cast<int>(s.http_queue)) {}

} // namespace concert::http
