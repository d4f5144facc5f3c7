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

#endif /* IPESIM_IPESIM_H */
