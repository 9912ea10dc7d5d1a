#include "server/stats.hpp"

namespace zoned::server {

void WorkerCounters::record(Transport, const Outcome&, RrlAction) noexcept {}
void WorkerCounters::tcp_accepted() noexcept {}
void WorkerCounters::tcp_refused() noexcept {}

ServerStats::ServerStats(unsigned workers)
    : workers_(workers), counters_(std::make_unique<WorkerCounters[]>(workers)) {}

ServerStats::~ServerStats() = default;

}  // namespace zoned::server
