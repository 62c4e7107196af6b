// C++17/20 synchronisation classes, each with one thread blocked on it (issue 22, point 3):
// std::shared_mutex (a writer behind a reader), std::recursive_mutex and std::timed_mutex (held
// by main), and C++20's std::latch, std::counting_semaphore and std::atomic<int>::wait, which
// sleep on a futex in the object itself from libstdc++'s inline code.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <latch>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <thread>

static std::shared_mutex table;
static std::recursive_mutex rec;
static std::timed_mutex tm;
static std::latch gate(2);
static std::counting_semaphore<4> slots(0);
static std::atomic<int> flag;

static void reader() { std::shared_lock<std::shared_mutex> r(table); std::this_thread::sleep_for(std::chrono::hours(1)); }
static void writer() { std::this_thread::sleep_for(std::chrono::milliseconds(100)); std::unique_lock<std::shared_mutex> w(table); }
static void recursive() { std::lock_guard<std::recursive_mutex> g(rec); }
static void timed() { std::lock_guard<std::timed_mutex> g(tm); }
static void latch_wait() { gate.arrive_and_wait(); }
static void acquire() { slots.acquire(); }
static void atomic_wait() { flag.wait(0); }

int main() {
    rec.lock();
    tm.lock();
    std::thread a(reader), b(writer), c(recursive), d(timed), e(latch_wait), f(acquire), g(atomic_wait);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    std::puts("tw-example: ready");
    std::fflush(stdout);
    a.join();
}
