#include "core/scheduler.hpp"

namespace bh {

TimerId ManualScheduler::at(Instant when, std::function<void()> fn) {
  if (when < clock_.now()) when = clock_.now();
  const TimerId id = next_id_++;
  events_.emplace(std::make_pair(when, id), std::move(fn));
  when_of_.emplace(id, when);
  return id;
}

bool ManualScheduler::cancel(TimerId id) {
  auto it = when_of_.find(id);
  if (it == when_of_.end()) return false;
  events_.erase({it->second, id});
  when_of_.erase(it);
  return true;
}

std::optional<Instant> ManualScheduler::next_time() const {
  if (events_.empty()) return std::nullopt;
  return events_.begin()->first.first;
}

bool ManualScheduler::run_next() {
  if (events_.empty()) return false;
  auto node = events_.extract(events_.begin());
  when_of_.erase(node.key().second);
  clock_.set(node.key().first);
  node.mapped()();  // may schedule more events
  return true;
}

std::size_t ManualScheduler::run_until(Instant until) {
  std::size_t ran = 0;
  while (!events_.empty() && events_.begin()->first.first <= until) {
    run_next();
    ++ran;
  }
  if (clock_.now() < until) clock_.set(until);
  return ran;
}

}  // namespace bh
