// bank.h — the scaffolding of cpp-bank kept out of bank.cpp, so that the program reads like the
// issue's (and its lines stay put): the account, the pause that lets both transfers take their
// first lock, and the one ready line once both wait for their second.
#ifndef TW_EXAMPLE_BANK_H
#define TW_EXAMPLE_BANK_H
#include <chrono>
#include <mutex>
#include <thread>
#include "../ready.h"

struct Account {
    std::mutex m;
    long balance;
};

static inline void example_pause_between_locks() {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// Both mutexes held (try_lock fails on each) and the pause long over: both transfers are blocked
// on their second lock.
static inline void example_ready_when(std::mutex &a, std::mutex &b) {
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        bool a_free = a.try_lock(), b_free = b.try_lock();
        if (a_free) a.unlock();
        if (b_free) b.unlock();
        if (!a_free && !b_free) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    example_ready();
}
#endif
