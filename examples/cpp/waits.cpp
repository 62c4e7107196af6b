// cpp-waits: C++17/20 waits that never end, one per case (all at once when no case is named):
//   shared   a writer waits for two readers that hold std::shared_lock while they wait for it
//   cvany    a std::jthread waits on std::condition_variable_any with its stop_token, but main
//            calls join(), which (unlike the destructor) never requests the stop
//   jthread  a std::jthread's destructor requests the stop, then joins a worker whose plain
//            std::condition_variable wait only looks at its stop_token when notified
//   atomic   std::atomic<int>::wait on a flag nobody stores to
//   barrier  two threads arrive at a std::barrier of three
#include "waits.h"

static std::shared_mutex table;
static std::mutex mu;
static std::condition_variable updated_cv;
static bool updated;

static void reader() {
    std::shared_lock<std::shared_mutex> r(table);
    std::unique_lock<std::mutex> l(mu);
    updated_cv.wait(l, [] { return updated; });   // the writer cannot update while r is held
}

static void writer() {
    example_pause();
    std::unique_lock<std::shared_mutex> w(table);  // waits for both readers
    updated = true;
    updated_cv.notify_all();
}

static std::mutex jobs_mu;
static std::condition_variable_any jobs;

static void worker(std::stop_token stop) {
    std::unique_lock<std::mutex> l(jobs_mu);
    jobs.wait(l, stop, [] { return false; });      // wakes only on a stop request
}

static std::mutex plain_mu;
static std::condition_variable plain_cv;

static void stubborn(std::stop_token stop) {
    std::unique_lock<std::mutex> l(plain_mu);
    plain_cv.wait(l, [&] { return stop.stop_requested(); }); // nobody notifies plain_cv
}

static void owner() {
    std::jthread t(stubborn);
    example_pause();
}                                                   // ~jthread: request_stop(), then join forever

static std::atomic<int> flag;

static void flag_wait() { flag.wait(0); }           // nobody stores to flag

static std::barrier sync_point(3);

static void arrive() { sync_point.arrive_and_wait(); } // the third party never arrives

// `local`: std::atomic<unsigned>::wait on a local of the waiting thread's own frame
[[gnu::noinline]] static void local_wait() {
    std::atomic<unsigned> word{0};
    word.wait(0);                                   // nobody else can even see word
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : "";
    std::vector<std::thread> threads;
    std::jthread cvany;
    if (example_case(only, "shared")) {
        threads.emplace_back(reader);
        threads.emplace_back(reader);
        threads.emplace_back(writer);
    }
    if (example_case(only, "cvany")) cvany = std::jthread(worker);
    if (example_case(only, "atomic")) threads.emplace_back(flag_wait);
    if (example_case(only, "barrier")) {
        threads.emplace_back(arrive);
        threads.emplace_back(arrive);
    }
    if (example_case(only, "jthread")) threads.emplace_back(owner);
    if (example_case(only, "local")) threads.emplace_back(local_wait);
    example_ready_soon();
    if (cvany.joinable()) cvany.join();             // join() requests no stop
    for (auto &t : threads) t.join();
}
