/* arena_ctl.c — arena-ctl: the operator's command line for a running arena-server.
 *
 * Owns the client side of the control socket (ctl.h): joins its arguments into one command
 * line, sends it, prints the answer lines, and exits 0 on `OK`, 1 on `ERR` (the reason on
 * stderr), 2 for bad usage, 3 when no server answers. Never changes anything itself. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_cmd.h"
#include "mono_clock.h"

#ifndef ARENA_VERSION
#define ARENA_VERSION "0.0.0"
#endif

enum { ANSWER_TIMEOUT_MS = 5000, EXIT_ERR = 1, EXIT_USAGE = 2, EXIT_NO_SERVER = 3 };

static void usage(FILE *out)
{
    fprintf(out, "Usage: arena-ctl [OPTION]... COMMAND [ARGUMENT]...\n"
                 "Control a running arena-server through its control socket.\n"
                 "\n"
                 "Options:\n"
                 "  -d, --data-dir=DIR   the server's data directory (default: data)\n"
                 "  -s, --socket=PATH    the control socket (default: DIR/arena.sock)\n"
                 "  -h, --help           display this help and exit\n"
                 "  -V, --version        output version information and exit\n"
                 "\n"
                 "Commands:\n");
    for (size_t i = 0; ctl_usage(i) != NULL; i++)
        fprintf(out, "  %s\n", ctl_usage(i));
    fprintf(out, "\n"
                 "NAME is a player's name (look-alike spellings match too); IP an IPv4 address.\n"
                 "Bans are kept in DIR/arena.db and survive restarts.\n"
                 "\n"
                 "Exit status: 0 done, 1 the server refused the command, 2 bad usage,\n"
                 "3 no server answers on the socket.\n");
}

/* Prints answer lines until OK/ERR; returns the exit status. */
static int read_answer(int fd)
{
    char buf[65536];
    size_t len = 0;
    uint64_t deadline = mono_now_ms() + ANSWER_TIMEOUT_MS;
    for (;;) {
        char *nl;
        while ((nl = memchr(buf, '\n', len)) != NULL) {
            *nl = '\0';
            if (strcmp(buf, "OK") == 0 || strncmp(buf, "OK ", 3) == 0) {
                if (buf[2] != '\0')
                    printf("%s\n", buf + 3);
                return 0;
            }
            if (strncmp(buf, "ERR ", 4) == 0 || strcmp(buf, "ERR") == 0) {
                fprintf(stderr, "arena-ctl: %s\n", buf[3] ? buf + 4 : "refused");
                return EXIT_ERR;
            }
            printf("%s\n", buf);
            size_t used = (size_t)(nl - buf) + 1;
            memmove(buf, nl + 1, len - used);
            len -= used;
        }
        if (len == sizeof buf) {
            fprintf(stderr, "arena-ctl: answer line too long\n");
            return EXIT_ERR;
        }
        uint64_t t = mono_now_ms();
        if (t >= deadline) {
            fprintf(stderr, "arena-ctl: no answer within %d s\n", ANSWER_TIMEOUT_MS / 1000);
            return EXIT_NO_SERVER;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(deadline - t)) <= 0)
            continue;
        ssize_t r = recv(fd, buf + len, sizeof buf - len, 0);
        if (r <= 0) {
            fprintf(stderr, "arena-ctl: the server closed the connection without answering\n");
            return EXIT_NO_SERVER;
        }
        len += (size_t)r;
    }
}

/* The command words joined by spaces into line[CTL_LINE_MAX]; false (said why) if too long. */
static bool join_args(int argc, char **argv, char line[CTL_LINE_MAX], size_t *out_len)
{
    size_t len = 0;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (len + n + 2 > CTL_LINE_MAX) {
            fprintf(stderr, "arena-ctl: command too long (at most %d bytes)\n", CTL_LINE_MAX - 1);
            return false;
        }
        if (len > 0)
            line[len++] = ' ';
        memcpy(line + len, argv[i], n);
        len += n;
    }
    line[len] = '\0';
    *out_len = len;
    return true;
}

int main(int argc, char **argv)
{
    const char *data_dir = "data";
    const char *socket_path = NULL;
    static const struct option opts[] = {
        {"data-dir", required_argument, NULL, 'd'},
        {"socket", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "+d:s:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data_dir = optarg;
            break;
        case 's':
            socket_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("arena-ctl (Localhost Arena) %s\n", ARENA_VERSION);
            return 0;
        default:
            fprintf(stderr, "Try 'arena-ctl --help' for more information.\n");
            return EXIT_USAGE;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "arena-ctl: missing command\n"
                        "Try 'arena-ctl --help' for more information.\n");
        return EXIT_USAGE;
    }
    char line[CTL_LINE_MAX];
    size_t len = 0;
    if (!join_args(argc - optind, argv + optind, line, &len))
        return EXIT_USAGE;
    CtlCommand cmd;
    char err[256];
    if (!ctl_parse(line, &cmd, err, sizeof err)) {
        fprintf(stderr, "arena-ctl: %s\nTry 'arena-ctl --help' for more information.\n", err);
        return EXIT_USAGE;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int n = socket_path != NULL
                ? snprintf(sa.sun_path, sizeof sa.sun_path, "%s", socket_path)
                : snprintf(sa.sun_path, sizeof sa.sun_path, "%s/arena.sock", data_dir);
    if (n < 0 || (size_t)n >= sizeof sa.sun_path) {
        fprintf(stderr, "arena-ctl: socket path too long\n");
        return EXIT_USAGE;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, "arena-ctl: cannot reach the server at %s: %s\n", sa.sun_path,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return EXIT_NO_SERVER;
    }
    line[len++] = '\n';
    if (send(fd, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
        fprintf(stderr, "arena-ctl: cannot send the command: %s\n", strerror(errno));
        close(fd);
        return EXIT_NO_SERVER;
    }
    shutdown(fd, SHUT_WR);
    int rc = read_answer(fd);
    close(fd);
    return rc;
}
