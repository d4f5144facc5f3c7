/* ipesim.h - the one header research code includes.
 *
 *     #include <ipesim/ipesim.h>
 *     cc prog.c $(pkg-config --cflags --libs ipesim)
 */
#ifndef IPESIM_IPESIM_H
#define IPESIM_IPESIM_H

#include "simdefs.h"
#include "simtime.h"
#include "simcontext.h"
#include "simrng.h"
#include "simpacket.h"
#include "simpcap.h"
#include "simcsv.h"
#include "simstats.h"
#include "phold.h"
#include "simunits.h"
#include "simregistry.h"
#include "simscenario.h"
#include "simexpect.h"
#include "simsweep.h"
#include "ip6addr.h"
#include "fib.h"
#include "net.h"
#include "qdisc.h"
#include "ip6.h"
#include "udp.h"
#include "routing.h"
#include "nd.h"
#include "ip4.h"
#include "classifier.h"
#include "scheduler.h"
#include "meter.h"
#include "srv6.h"
#include "slice.h"
#include "app.h"
#include "results.h"
#include "partition.h"
#include "netscenario.h"
#include "topo.h"

#endif /* IPESIM_IPESIM_H */
