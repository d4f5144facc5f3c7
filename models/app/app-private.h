/* app-private.h - what the parallel engine needs of flows and pings
 * (never installed). In a run over several ranks a flow's source and
 * sink may live on different ranks: each end keeps its part of the
 * flow's results, and rank 0 collects both parts. */
#ifndef IPESIM_APP_PRIVATE_H
#define IPESIM_APP_PRIVATE_H

#include "app.h"

SimEntity *sim__flow_entity(SimFlow *flow);
SimEntity *sim__ping_entity(SimPing *ping);

/* The source's part: packets and bytes sent, first and last send, the
 * path MTU the source knows. */
void sim__flow_pack_tx(const SimFlow *flow, GByteArray *out);
/* The sink's part: arrivals, delays, jitter, order. */
void sim__flow_pack_rx(const SimFlow *flow, GByteArray *out);
/* Take a part written by the other rank; returns the bytes read, 0 if
 * @data is not such a part. */
size_t sim__flow_unpack_tx(SimFlow *flow, const uint8_t *data, size_t len);
size_t sim__flow_unpack_rx(SimFlow *flow, const uint8_t *data, size_t len);

/* A ping lives on its source: all of its results. */
void sim__ping_pack(const SimPing *ping, GByteArray *out);
size_t sim__ping_unpack(SimPing *ping, const uint8_t *data, size_t len);

#endif /* IPESIM_APP_PRIVATE_H */
