/* cli_ratelog.c — see cli_ratelog.h. */
#include "cli_ratelog.h"

bool cli_ratelog_allow(CliRateLog *rl, uint64_t now_us, uint64_t *held_back)
{
    rl->total++;
    if (rl->total == 1 || now_us - rl->window_start_us >= CLI_RATELOG_WINDOW_US ||
        now_us < rl->window_start_us) {
        rl->window_start_us = now_us;
        rl->in_window = 0;
    }
    if (rl->in_window >= CLI_RATELOG_PER_S) {
        rl->held_back++;
        return false;
    }
    rl->in_window++;
    *held_back = rl->held_back;
    rl->held_back = 0;
    return true;
}
