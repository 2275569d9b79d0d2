/* cli_conn_rejoin.c — see cli_conn_rejoin.h. */
#include "cli_conn_rejoin.h"

#include <string.h>

bool cli_rejoin_worth(CliFailure f)
{
    switch (f) {
    case CLI_FAIL_SERVER_GONE: /* TCP closed, the ENet peer lost, silence */
    case CLI_FAIL_SHUTDOWN:    /* BYE shutdown, PROTO_DISCONNECT_SHUTDOWN: a restart */
    case CLI_FAIL_TIMEOUT:
        return true;
    default: /* kicked, banned, a refused name, a version or protocol problem */
        return false;
    }
}

bool cli_rejoin_keep_trying(CliFailure f)
{
    switch (f) {
    case CLI_FAIL_CONNECT: /* not listening yet */
    case CLI_FAIL_RESOLVE: /* a name server that went with the network */
    case CLI_FAIL_FULL:    /* our old session still holds its slot */
    case CLI_FAIL_TAKEN:   /* ... or its name, until the server notices it is gone */
    case CLI_FAIL_JOIN:
        return true;
    default:
        return cli_rejoin_worth(f);
    }
}

uint32_t cli_rejoin_delay_ms(unsigned n)
{
    uint32_t d = CLI_REJOIN_FIRST_MS;
    for (unsigned i = 0; i < n && d < CLI_REJOIN_MAX_DELAY_MS; i++)
        d *= 2;
    return d < CLI_REJOIN_MAX_DELAY_MS ? d : CLI_REJOIN_MAX_DELAY_MS;
}

bool cli_rejoin_begin(CliRejoin *r, CliFailure f, uint64_t now_us)
{
    memset(r, 0, sizeof *r);
    r->last = f;
    if (!cli_rejoin_worth(f))
        return false;
    r->active = true;
    r->next_us = now_us + (uint64_t)cli_rejoin_delay_ms(0) * 1000u;
    return true;
}

bool cli_rejoin_due(CliRejoin *r, uint64_t now_us)
{
    if (!r->active || now_us < r->next_us || r->attempt >= CLI_REJOIN_ATTEMPTS)
        return false;
    r->attempt++;
    r->next_us = UINT64_MAX; /* until this attempt fails */
    return true;
}

void cli_rejoin_now(CliRejoin *r, uint64_t now_us)
{
    if (r->active && r->next_us != UINT64_MAX)
        r->next_us = now_us;
}

bool cli_rejoin_failed(CliRejoin *r, CliFailure f, uint64_t now_us)
{
    r->last = f;
    if (!r->active || !cli_rejoin_keep_trying(f) || r->attempt >= CLI_REJOIN_ATTEMPTS) {
        r->active = false;
        return false;
    }
    r->next_us = now_us + (uint64_t)cli_rejoin_delay_ms(r->attempt) * 1000u;
    return true;
}

void cli_rejoin_stop(CliRejoin *r)
{
    r->active = false;
}
