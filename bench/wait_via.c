/* wait_via.c — libtwbenchvia.so, the library bench/wait_bench waits through: it makes the
 * blocking call itself, so the pthread adapter's immediate caller is a library and the site is
 * the program's frame further out (adapters/pthread/outer.c), as for a libevent or libuv loop. */
#include <poll.h>

int wait_via(struct pollfd *p) { return poll(p, 1, 1000); }
