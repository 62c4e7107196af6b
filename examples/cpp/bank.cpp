// cpp-bank: two transfers lock the same two accounts in opposite orders (ABBA on std::mutex).
#include "bank.h"

static Account alice, bob;

static void transfer(Account &from, Account &to, long amount) {
    std::lock_guard<std::mutex> first(from.m);
    example_pause_between_locks();
    std::lock_guard<std::mutex> second(to.m);   // never returns: the other transfer holds to.m
    from.balance -= amount;
    to.balance += amount;
}

int main() {
    std::thread one(transfer, std::ref(alice), std::ref(bob), 10);
    std::thread two(transfer, std::ref(bob), std::ref(alice), 20);
    example_ready_when(alice.m, bob.m);
    one.join();
    two.join();
    return alice.balance + bob.balance == 0 ? 0 : 1;
}
