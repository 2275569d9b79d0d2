/* cli_tick.c — the client tick: as the tick clock (cli_clock.h) hands out ticks, the
 * prediction steps the local player with the controls held, and every clock.batch ticks
 * (WELCOME's input_hz) one INPUT carries every input the server has not applied yet. Part of
 * CliConn (cli_conn_int.h). */
#include <string.h>

#include "cli_conn_int.h"
#include "lagcomp.h"

/* The RTT the tick clock works with: the lowest of ENet's estimates over the clock's window
 * (cli_clock.h: ENet's own stays inflated for seconds after a stall). */
double cli_tick_clock_rtt(CliConn *c, uint64_t now_us)
{
    cli_clock_rtt_sample(&c->clock, now_us, cli_enet_rtt_ms(c));
    return cli_clock_rtt_ms(&c->clock);
}

/* INPUT's view lag: how far the render tick the controls were chosen from (the view last drawn,
 * cli_interp) is behind the world the newest input's step starts from (newest_tick - 1), in
 * 1/16 ticks, within the field's range. 0 when nothing was rendered (nothing is rewound). */
static uint16_t view_lag(const CliConn *c, uint32_t newest_tick)
{
    double rt = cli_interp_last_render_tick(&c->interp);
    double base = (double)newest_tick - 1.0;
    if (rt <= 0.0 || rt >= base)
        return 0;
    double lag = (base - rt) * LC_SUBTICKS + 0.5;
    return lag >= LC_VIEW_LAG_MAX ? LC_VIEW_LAG_MAX : (uint16_t)lag;
}

static void send_input(CliConn *c)
{
    MsgInput m;
    memset(&m, 0, sizeof m);
    m.snapshot_ack = c->newest_tick;
    m.newest_tick = c->clock.last_tick;
    m.view_lag = view_lag(c, m.newest_tick);
    /* Every input the server has not applied, newest first, consecutive ticks. */
    for (uint32_t t = m.newest_tick; t > c->input_ack && t >= 1 && m.count < PROTO_INPUT_WINDOW;
         t--) {
        if (!cli_predict_input(&c->predict, t, &m.inputs[m.count]))
            break;
        m.count++;
    }
    if (m.count == 0) {
        /* Everything acknowledged (we are behind): still carry the newest and the ack. */
        if (!cli_predict_input(&c->predict, m.newest_tick, &m.inputs[0]))
            return;
        m.count = 1;
    }
    uint8_t buf[MSG_INPUT_MAX_BYTES];
    size_t n = msg_input_encode(&m, buf, sizeof buf);
    if (n > 0 && cli_enet_send(c, PROTO_CH_INPUT, buf, n, ENET_PACKET_FLAG_UNSEQUENCED)) {
        c->stats.inputs_sent++;
        c->input_sent_tick = m.newest_tick;
    }
}

void cli_tick_run(CliConn *c, uint64_t now_us)
{
    uint32_t first = 0;
    unsigned n = cli_clock_advance(&c->clock, now_us, cli_tick_clock_rtt(c, now_us), &first);
    for (unsigned i = 0; i < n; i++) {
        cli_predict_step(&c->predict, first + i, &c->input);
        c->stats.input_ticks++;
        if (c->predict.ready && c->predict.tick == first + i && c->predict.player.fired)
            c->stats.shots_fired++;
    }
    /* One INPUT per clock.batch ticks handed out (a tick is never handed out twice, so
     * last_tick only grows); the first as soon as there is a tick. */
    if (n > 0 &&
        (c->input_sent_tick == 0 || c->clock.last_tick - c->input_sent_tick >= c->clock.batch))
        send_input(c);
}
