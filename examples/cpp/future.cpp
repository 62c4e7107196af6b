// cpp-future: main waits on a std::future whose promise is set only after a condition variable
// that nobody ever notifies; every thread is blocked, none can wake another.
#include "future.h"

static std::mutex mu;
static std::condition_variable cv;
static bool go;

static void deliver(std::promise<int> &answer) {
    std::unique_lock<std::mutex> lock(mu);
    example_setter_waits();
    cv.wait(lock, [] { return go; });   // nobody sets go or notifies cv
    answer.set_value(42);
}

int main() {
    std::promise<int> answer;
    std::future<int> result = answer.get_future();
    std::thread setter(deliver, std::ref(answer));
    example_ready_when_setter_waits(mu);
    int v = result.get();               // waits forever: the promise is never set
    setter.join();
    return v == 42 ? 0 : 1;
}
