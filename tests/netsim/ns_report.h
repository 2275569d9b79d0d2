/* ns_report.h — arena-netsim's counters for people and programs: the --stats-json file and
 * the one-line summary at exit. Writes only to the stream or path it is given. */
#ifndef ARENA_NS_REPORT_H
#define ARENA_NS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ns_relay.h"

/* The JSON document (schema in docs/operations.md) on out. */
void ns_report_json(FILE *out, const NsOptions *o, const NsUdpStats *u, const NsTcpStats *t,
                    double seconds);
/* Writes it to path (through a temporary file renamed into place); false on failure. */
bool ns_report_write(const char *path, const NsOptions *o, const NsUdpStats *u, const NsTcpStats *t,
                     double seconds);
/* "arena-netsim: 12.0 s, 3 clients; up 1000 in, 950 out (50 lost ...)..." */
void ns_report_summary(FILE *out, const NsUdpStats *u, const NsTcpStats *t, double seconds);

#endif
