// waits.h — the scaffolding of cpp-waits kept out of waits.cpp: which cases run, the pause that
// lets the readers take the shared lock (and the stubborn worker start its wait) first, and the
// ready line.
#ifndef TW_EXAMPLE_WAITS_H
#define TW_EXAMPLE_WAITS_H
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <stop_token>
#include <thread>
#include <vector>
#include "../ready.h"

// Runs the case `name` when it was asked for, or when no case was.
static inline bool example_case(const char *only, const char *name) {
    return !only[0] || !std::strcmp(only, name);
}

static inline void example_pause() {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// Every case blocks within the pause; the ready line comes well after it.
static inline void example_ready_soon() {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    example_ready();
}
#endif
