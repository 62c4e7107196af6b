// future.h — the scaffolding of cpp-future kept out of future.cpp: the setter says it is about to
// wait, and main prints the ready line once the setter is inside cv.wait (it released mu).
#ifndef TW_EXAMPLE_FUTURE_H
#define TW_EXAMPLE_FUTURE_H
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include "../ready.h"

static std::atomic<bool> example_setter_waiting;

// Called with mu held, just before cv.wait releases it.
static inline void example_setter_waits() { example_setter_waiting = true; }

static inline void example_ready_when_setter_waits(std::mutex &m) {
    while (!example_setter_waiting) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    { std::lock_guard<std::mutex> inside(m); } // taken only once cv.wait released it
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    example_ready();
}
#endif
