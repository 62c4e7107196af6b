/* server.c — a healthy threaded server at rest: an acceptor thread blocked in accept() on
 * 127.0.0.1, a reader thread blocked in recv() on a connection, main sleeping. Nothing is
 * stuck and nothing is busy: no deadlock, no alert. */
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include "ready.h"
static int lfd, conn[2];
static void *acceptor(void *a) { (void)a; for (;;) { int c = accept(lfd, 0, 0); if (c >= 0) close(c); } return 0; }
static void *reader(void *a) { (void)a; char b[16]; while (recv(conn[0], b, sizeof b, 0) > 0) {} return 0; }
int main(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lfd, 8) != 0)
        return 1;
    socketpair(AF_UNIX, SOCK_STREAM, 0, conn);
    pthread_t x, y;
    pthread_create(&x, 0, acceptor, 0);
    pthread_create(&y, 0, reader, 0);
    usleep(200000);
    ready();
    for (;;)
        sleep(1);
}
